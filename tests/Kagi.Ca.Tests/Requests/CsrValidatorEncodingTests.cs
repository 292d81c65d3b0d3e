using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Requests;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Requests;

/// <summary>
/// Requests put together byte by byte: signature algorithm parameters, RSA-PSS parameters, keys that do not match the
/// algorithm, structure errors .NET refuses, and the order of refusals (malformed, key, algorithm, signature).
/// </summary>
public class CsrValidatorEncodingTests
{
    private const string EcdsaSha256 = "1.2.840.10045.4.3.2";
    private const string EcdsaSha384 = "1.2.840.10045.4.3.3";
    private const string EcdsaSha512 = "1.2.840.10045.4.3.4";
    private const string Sha256Rsa = "1.2.840.113549.1.1.11";
    private const string Sha1Rsa = "1.2.840.113549.1.1.5";
    private const string RsaPss = "1.2.840.113549.1.1.10";
    private const string Mgf1 = "1.2.840.113549.1.1.8";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string Sha384 = "2.16.840.1.101.3.4.2.2";
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";

    [Theory]
    [InlineData(EcdsaSha256, "SHA256")]
    [InlineData(EcdsaSha384, "SHA384")]
    [InlineData(EcdsaSha512, "SHA512")]
    public void Ecdsa_with_each_accepted_hash_is_accepted_with_its_key_hash(string oid, string hash)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] csr = Assemble(cri, AlgorithmIdentifier(oid), key.SignData(cri, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence));

        CsrValidationResult result = CsrValidator.Validate(csr, KeyPolicy.Default);

        Assert.True(result.IsValid, result.Error.ToString());
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        Assert.Equal(spki, result.Csr.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(SHA256.HashData(spki), result.Csr.SubjectPublicKeyInfoSha256.ToArray());
        Assert.Equal(spki, result.Csr.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Ecdsa_algorithm_with_null_parameters_is_accepted_and_with_other_parameters_is_a_bad_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] signature = key.SignData(cri, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal(CsrError.None, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256, [0x05, 0x00]), signature), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256, [0x02, 0x01, 0x00]), signature), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_pkcs1_algorithm_without_null_parameters_is_accepted()
    {
        using var key = RSA.Create(2048);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] signature = key.SignData(cri, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(CsrError.None, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(Sha256Rsa), signature), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.None, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(Sha256Rsa, [0x05, 0x00]), signature), KeyPolicy.Default).Error);
    }

    [Theory]
    [InlineData("SHA256", Sha256)]
    [InlineData("SHA384", Sha384)]
    [InlineData("SHA512", Sha512)]
    public void Rsa_pss_with_each_hash_and_salt_of_the_hash_length_is_accepted(string hash, string hashOid)
    {
        using var key = RSA.Create(2048);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] signature = key.SignData(cri, new HashAlgorithmName(hash), RSASignaturePadding.Pss);
        int saltLength = hash switch { "SHA256" => 32, "SHA384" => 48, _ => 64 };

        CsrValidationResult result = CsrValidator.Validate(Assemble(cri, Pss(hashOid, hashOid, saltLength), signature), KeyPolicy.Default);

        Assert.True(result.IsValid, result.Error.ToString());
        Assert.Equal(CsrKeyType.Rsa, result.Csr.KeyType);
    }

    [Fact]
    public void Rsa_pss_with_an_explicit_default_trailer_field_is_accepted()
    {
        using var key = RSA.Create(2048);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] signature = key.SignData(cri, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.Equal(CsrError.None, CsrValidator.Validate(Assemble(cri, Pss(Sha256, Sha256, 32, trailer: 1), signature), KeyPolicy.Default).Error);
    }

    public static TheoryData<string, string, int, int?> BadPssParameters => new()
    {
        { Sha256, Sha256, 20, null }, // salt length other than the hash length
        { Sha256, Sha384, 32, null }, // MGF1 with another hash
        { Sha256, Sha256, 32, 2 }, // trailer field other than 1
    };

    [Theory]
    [MemberData(nameof(BadPssParameters))]
    public void Rsa_pss_with_parameters_dotnet_does_not_verify_is_a_bad_signature(string hashOid, string mgfHashOid, int saltLength, int? trailer)
    {
        using var key = RSA.Create(2048);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] signature = key.SignData(cri, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(cri, Pss(hashOid, mgfHashOid, saltLength, trailer), signature), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_pss_made_by_openssl_with_a_20_byte_salt_is_a_bad_signature_and_with_the_digest_length_is_accepted()
    {
        using var dir = new TempDirectory();
        OpenSsl.Ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.File("key.pem"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20",
            "-subj", "/CN=pss20", "-outform", "DER", "-out", dir.File("salt20.der"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest",
            "-subj", "/CN=pss32", "-outform", "DER", "-out", dir.File("salt32.der"));

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(File.ReadAllBytes(dir.File("salt20.der")), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.None, CsrValidator.Validate(File.ReadAllBytes(dir.File("salt32.der")), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_pss_without_parameters_is_an_unsupported_signature_algorithm()
    {
        using var key = RSA.Create(2048);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));

        Assert.Equal(CsrError.UnsupportedSignatureAlgorithm,
            CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(RsaPss), key.SignData(cri, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Ecdsa_algorithm_over_an_rsa_key_and_rsa_algorithm_over_an_ec_key_are_bad_signatures()
    {
        using var rsa = RSA.Create(2048);
        byte[] rsaInfo = InfoOf(TestPki.CsrBytes(rsa));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] ecInfo = InfoOf(TestPki.CsrBytes(ec));

        byte[] ecdsaOverRsa = Assemble(rsaInfo, AlgorithmIdentifier(EcdsaSha256), rsa.SignData(rsaInfo, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        byte[] rsaOverEc = Assemble(ecInfo, AlgorithmIdentifier(Sha256Rsa, [0x05, 0x00]), ec.SignData(ecInfo, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        byte[] pssOverEc = Assemble(ecInfo, Pss(Sha256, Sha256, 32), ec.SignData(ecInfo, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(ecdsaOverRsa, KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(rsaOverEc, KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(pssOverEc, KeyPolicy.Default).Error);
    }

    [Fact]
    public void Signature_by_another_key_on_the_same_or_another_curve_is_a_bad_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var sameCurve = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCurve = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));

        foreach (ECDsa signer in new[] { sameCurve, otherCurve })
        {
            byte[] csr = Assemble(cri, AlgorithmIdentifier(EcdsaSha256), signer.SignData(cri, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(csr, KeyPolicy.Default).Error);
        }
    }

    [Fact]
    public void Signature_not_in_der_or_empty_is_a_bad_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] p1363 = key.SignData(cri, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256), p1363), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256), []), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Tampered_public_key_is_malformed_before_the_signature_is_looked_at()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = TestPki.CsrBytes(key);
        byte[] point = key.ExportParameters(false).Q.X!;
        int at = csr.AsSpan().IndexOf(point);
        Assert.True(at > 0);
        csr[at + 5] ^= 0x01; // almost surely no longer a point on the curve

        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(csr, KeyPolicy.Default).Error);
    }

    [Fact]
    public void Tampered_info_re_encoded_is_a_bad_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] cri = InfoOf(TestPki.CsrBytes(key, "CN=Alice"));
        byte[] signature = key.SignData(cri, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] other = InfoOf(TestPki.CsrBytes(key, "CN=Alice Longer Name"));

        Assert.Equal(CsrError.None, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256), signature), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(other, AlgorithmIdentifier(EcdsaSha256), signature), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Structure_errors_dotnet_refuses_are_malformed_even_when_signed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] cri = InfoOf(TestPki.CsrBytes(key));
        byte[] Sign(byte[] info) => key.SignData(info, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        // Version 1 (v2) in the info.
        byte[] v2 = (byte[])cri.Clone();
        int version = v2.AsSpan().IndexOf(new byte[] { 0x02, 0x01, 0x00 });
        v2[version + 2] = 0x01;
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(Assemble(v2, AlgorithmIdentifier(EcdsaSha256), Sign(v2)), KeyPolicy.Default).Error);

        // Data after the attributes inside the info.
        byte[] padded = AppendInside(cri, [0x05, 0x00]);
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(Assemble(padded, AlgorithmIdentifier(EcdsaSha256), Sign(padded)), KeyPolicy.Default).Error);

        // Data after the signature inside the request.
        byte[] csr = Assemble(cri, AlgorithmIdentifier(EcdsaSha256), Sign(cri));
        Assert.Equal(CsrError.None, CsrValidator.Validate(csr, KeyPolicy.Default).Error);
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(AppendInside(csr, [0x05, 0x00]), KeyPolicy.Default).Error);

        // Two values in the algorithm identifier after the OID.
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256, [0x05, 0x00, 0x05, 0x00]), Sign(cri)), KeyPolicy.Default).Error);

        // A signature BIT STRING with an unused bit: not DER when that bit is set; else DER but no signature .NET verifies.
        byte[] odd, even;
        do
        {
            odd = Sign(cri);
        }
        while ((odd[^1] & 1) == 0);
        do
        {
            even = Sign(cri);
        }
        while ((even[^1] & 1) == 1);
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256), odd, unusedBits: 1), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(cri, AlgorithmIdentifier(EcdsaSha256), even, unusedBits: 1), KeyPolicy.Default).Error);

        // BER (indefinite length) instead of DER.
        byte[] ber = [0x30, 0x80, .. cri, .. AlgorithmIdentifier(EcdsaSha256), .. BitString(Sign(cri), 0), 0x00, 0x00];
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(ber, KeyPolicy.Default).Error);
    }

    [Fact]
    public void Key_errors_come_before_algorithm_errors_and_algorithm_errors_before_signature_errors()
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        byte[] p521Info = InfoOf(TestPki.CsrBytes(p521));
        using var rsa1024 = RSA.Create(1024);
        byte[] rsaInfo = InfoOf(TestPki.CsrBytes(rsa1024));
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] p256Info = InfoOf(TestPki.CsrBytes(p256));
        byte[] garbage = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];

        Assert.Equal(CsrError.UnsupportedCurve, CsrValidator.Validate(Assemble(p521Info, AlgorithmIdentifier(Sha1Rsa), garbage), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.KeyTooSmall, CsrValidator.Validate(Assemble(rsaInfo, AlgorithmIdentifier(Sha1Rsa), garbage), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.UnsupportedSignatureAlgorithm, CsrValidator.Validate(Assemble(p256Info, AlgorithmIdentifier(Sha1Rsa), garbage), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.UnsupportedSignatureAlgorithm, CsrValidator.Validate(Assemble(p256Info, AlgorithmIdentifier("1.2.840.10045.4.1"), garbage), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(Assemble(p256Info, AlgorithmIdentifier(EcdsaSha256), garbage), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_key_size_and_exponent_are_read_from_the_request()
    {
        using var key = RSA.Create(3072);
        CsrValidationResult result = CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default with { AllowedRsaKeySizes = [3072] });

        Assert.True(result.IsValid, result.Error.ToString());
        Assert.Equal(3072, result.Csr.KeySize);
        Assert.Equal(CsrError.KeySizeNotAllowed, CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default with { AllowedRsaKeySizes = [2048] }).Error);
    }

    [Fact]
    public void Rsa_exponent_65539_is_accepted_65535_is_weak_and_an_even_one_is_malformed()
    {
        using var dir = new TempDirectory();
        OpenSsl.Ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:65539", "-out", dir.File("key.pem"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-subj", "/CN=e65539", "-outform", "DER", "-out", dir.File("csr.der"));
        Assert.Equal(CsrError.None, CsrValidator.Validate(File.ReadAllBytes(dir.File("csr.der")), KeyPolicy.Default).Error);

        // Replace the exponent 65537 in the request of a real key (the key checks come before the signature's).
        using var key = RSA.Create(2048);
        byte[] csr = TestPki.CsrBytes(key);
        int at = csr.AsSpan().IndexOf(new byte[] { 0x02, 0x03, 0x01, 0x00, 0x01 });
        byte[] small = (byte[])csr.Clone();
        new byte[] { 0x00, 0xFF, 0xFF }.CopyTo(small, at + 2);
        Assert.Equal(CsrError.WeakRsaExponent, CsrValidator.Validate(small, KeyPolicy.Default).Error);

        // OpenSSL refuses to import a key with an even exponent.
        byte[] even = (byte[])csr.Clone();
        even[at + 4] = 0x02;
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(even, KeyPolicy.Default).Error);
    }

    /// <summary>The CertificationRequestInfo of a DER request.</summary>
    internal static byte[] InfoOf(byte[] csr) => new AsnReader(csr, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    /// <summary>CertificationRequest ::= SEQUENCE { info, signatureAlgorithm, signature BIT STRING }.</summary>
    internal static byte[] Assemble(byte[] info, byte[] algorithm, byte[] signature, int unusedBits = 0)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info);
            writer.WriteEncodedValue(algorithm);
            writer.WriteEncodedValue(BitString(signature, unusedBits));
        }

        return writer.Encode();
    }

    private static byte[] BitString(byte[] value, int unusedBits)
    {
        // Written by hand: AsnWriter refuses unused bits that are not zero in DER.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString([(byte)unusedBits, .. value]);
        byte[] octets = writer.Encode();
        octets[0] = 0x03;
        return octets;
    }

    /// <summary>AlgorithmIdentifier with the OID and <paramref name="parameters"/> as raw bytes (possibly several values, on purpose).</summary>
    private static byte[] AlgorithmIdentifier(string oid, byte[]? parameters = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        byte[] content = [.. writer.Encode(), .. parameters ?? []];
        return [0x30, (byte)content.Length, .. content];
    }

    private static byte[] Pss(string hashOid, string mgfHashOid, int saltLength, int? trailer = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(RsaPss);
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(hashOid);
                    writer.WriteNull();
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Mgf1);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(mgfHashOid);
                        writer.WriteNull();
                    }
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
                {
                    writer.WriteInteger(saltLength);
                }

                if (trailer is { } t)
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                    {
                        writer.WriteInteger(t);
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>Appends <paramref name="extra"/> inside the outer SEQUENCE of <paramref name="der"/>.</summary>
    private static byte[] AppendInside(byte[] der, byte[] extra)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader inner = reader.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (inner.HasData)
            {
                writer.WriteEncodedValue(inner.ReadEncodedValue().Span);
            }

            writer.WriteEncodedValue(extra);
        }

        return writer.Encode();
    }
}
