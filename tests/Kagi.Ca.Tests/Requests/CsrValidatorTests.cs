using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kagi.Ca.Requests;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Requests;

/// <summary>CSR parsing, proof of possession and key policy, each refusal with its code.</summary>
public class CsrValidatorTests
{
    public static TheoryData<string> AcceptedKeys => ["P-256", "P-384", "RSA-2048", "RSA-2048-PSS", "RSA-3072"];

    [Theory]
    [MemberData(nameof(AcceptedKeys))]
    public void Requests_with_allowed_keys_are_accepted_with_their_key_and_fingerprint(string kind)
    {
        using AsymmetricAlgorithm key = kind switch
        {
            "P-256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            "P-384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            "RSA-3072" => RSA.Create(3072),
            _ => RSA.Create(2048),
        };
        byte[] csr = TestPki.CsrBytes(key, "CN=Someone", pss: kind.EndsWith("PSS", StringComparison.Ordinal));

        CsrValidationResult result = CsrValidator.Validate(csr, KeyPolicy.Default);

        Assert.Equal(CsrError.None, result.Error);
        Assert.True(result.IsValid);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        Assert.Equal(spki, result.Csr.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(spki)), result.Csr.Fingerprint);
        Assert.Equal(csr, result.Csr.Der.ToArray());
        Assert.Equal("CN=Someone", result.Csr.RequestedSubject.Name);
        (CsrKeyType type, int size) = kind switch
        {
            "P-256" => (CsrKeyType.EcP256, 256),
            "P-384" => (CsrKeyType.EcP384, 384),
            "RSA-3072" => (CsrKeyType.Rsa, 3072),
            _ => (CsrKeyType.Rsa, 2048),
        };
        Assert.Equal(type, result.Csr.KeyType);
        Assert.Equal(size, result.Csr.KeySize);
    }

    [Fact]
    public void Pem_request_made_by_openssl_is_accepted_and_its_fingerprint_matches_openssl()
    {
        using var dir = new TempDirectory();
        string keyPath = dir.File("key.pem");
        string csrPath = dir.File("csr.pem");
        OpenSsl.Ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", keyPath,
            "-subj", "/CN=openssl user", "-out", csrPath);
        OpenSsl.Ok("pkey", "-in", keyPath, "-pubout", "-outform", "DER", "-out", dir.File("spki.der"));

        CsrValidationResult result = CsrValidator.Validate(File.ReadAllBytes(csrPath), KeyPolicy.Default);

        Assert.True(result.IsValid, result.Error.ToString());
        Assert.Equal(CsrKeyType.EcP384, result.Csr.KeyType);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(dir.File("spki.der")))), result.Csr.Fingerprint);
        Assert.Equal("CN=openssl user", result.Csr.RequestedSubject.Name);
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("RSA-2048")]
    public void Corrupted_signature_is_a_bad_signature(string kind)
    {
        using AsymmetricAlgorithm key = kind == "P-256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        byte[] csr = TestPki.CsrBytes(key);
        Assert.True(CsrValidator.Validate(csr, KeyPolicy.Default).IsValid);

        // The last byte belongs to the signature (the last INTEGER of an ECDSA signature, the RSA signature value).
        csr[^1] ^= 0x01;

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(csr, KeyPolicy.Default).Error);
    }

    [Fact]
    public void Request_whose_subject_was_changed_after_signing_is_a_bad_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = TestPki.CsrBytes(key, "CN=Alice");
        int at = csr.AsSpan().IndexOf("Alice"u8);
        "Carol"u8.CopyTo(csr.AsSpan(at));

        Assert.Equal(CsrError.BadSignature, CsrValidator.Validate(csr, KeyPolicy.Default).Error);
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        Array.Empty<byte>(),
        "hello, this is not a certificate request"u8.ToArray(),
        new byte[] { 0x30, 0x82, 0x01, 0x00, 0x02, 0x01 },
        RandomNumberGenerator.GetBytes(300),
        Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"),
        new byte[CsrValidator.MaxSize + 1],
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_malformed(byte[] bytes) =>
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(bytes, KeyPolicy.Default).Error);

    [Fact]
    public void Truncated_and_padded_requests_are_malformed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = TestPki.CsrBytes(key);

        Assert.Equal(CsrError.Malformed, CsrValidator.Validate(csr[..^10], KeyPolicy.Default).Error);
        Assert.Equal(CsrError.Malformed, CsrValidator.Validate([.. csr, 0x00], KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_1024_is_too_small()
    {
        using var key = RSA.Create(1024);
        Assert.Equal(CsrError.KeyTooSmall, CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_2048_is_too_small_when_the_policy_asks_for_3072()
    {
        using var key = RSA.Create(2048);
        var policy = KeyPolicy.Default with { MinimumRsaKeySize = 3072 };

        Assert.Equal(CsrError.KeyTooSmall, CsrValidator.Validate(TestPki.CsrBytes(key), policy).Error);
        Assert.True(CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default).IsValid);
    }

    [Fact]
    public void Rsa_of_an_unlisted_size_is_not_allowed()
    {
        using var key = RSA.Create(2304);
        Assert.Equal(CsrError.KeySizeNotAllowed, CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default).Error);
    }

    [Fact]
    public void P521_is_an_unsupported_curve()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        Assert.Equal(CsrError.UnsupportedCurve, CsrValidator.Validate(TestPki.CsrBytes(key), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Curve_switched_off_in_the_policy_is_unsupported()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var policy = KeyPolicy.Default with { AllowEcP384 = false };

        Assert.Equal(CsrError.UnsupportedCurve, CsrValidator.Validate(TestPki.CsrBytes(key), policy).Error);
    }

    [Fact]
    public void Brainpool_key_made_by_openssl_is_an_unsupported_curve()
    {
        using var dir = new TempDirectory();
        OpenSsl.Ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-nodes", "-keyout", dir.File("key.pem"),
            "-subj", "/CN=brainpool", "-outform", "DER", "-out", dir.File("csr.der"));

        Assert.Equal(CsrError.UnsupportedCurve, CsrValidator.Validate(File.ReadAllBytes(dir.File("csr.der")), KeyPolicy.Default).Error);
    }

    [Theory]
    [InlineData("ED25519")]
    [InlineData("DSA")]
    public void Other_key_types_made_by_openssl_are_unsupported(string algorithm)
    {
        using var dir = new TempDirectory();
        string key = dir.File("key.pem");
        if (algorithm == "DSA")
        {
            OpenSsl.Ok("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", dir.File("params.pem"));
            OpenSsl.Ok("genpkey", "-paramfile", dir.File("params.pem"), "-out", key);
        }
        else
        {
            OpenSsl.Ok("genpkey", "-algorithm", algorithm, "-out", key);
        }

        OpenSsl.Ok("req", "-new", "-key", key, "-subj", "/CN=other", "-outform", "DER", "-out", dir.File("csr.der"));

        Assert.Equal(CsrError.UnsupportedKeyType, CsrValidator.Validate(File.ReadAllBytes(dir.File("csr.der")), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Rsa_exponent_3_is_weak()
    {
        using var dir = new TempDirectory();
        OpenSsl.Ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:3", "-out", dir.File("key.pem"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-subj", "/CN=e3", "-outform", "DER", "-out", dir.File("csr.der"));

        Assert.Equal(CsrError.WeakRsaExponent, CsrValidator.Validate(File.ReadAllBytes(dir.File("csr.der")), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Sha1_signature_made_by_openssl_is_an_unsupported_signature_algorithm()
    {
        using var dir = new TempDirectory();
        OpenSsl.Ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.File("key.pem"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-sha1", "-subj", "/CN=sha1", "-outform", "DER", "-out", dir.File("sha1.der"));
        OpenSsl.Ok("req", "-new", "-key", dir.File("key.pem"), "-sha256", "-subj", "/CN=sha256", "-outform", "DER", "-out", dir.File("sha256.der"));

        Assert.Equal(CsrError.UnsupportedSignatureAlgorithm, CsrValidator.Validate(File.ReadAllBytes(dir.File("sha1.der")), KeyPolicy.Default).Error);
        Assert.Equal(CsrError.None, CsrValidator.Validate(File.ReadAllBytes(dir.File("sha256.der")), KeyPolicy.Default).Error);
    }

    [Fact]
    public void Validated_request_is_a_copy_of_the_input()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = TestPki.CsrBytes(key);
        byte[] original = (byte[])csr.Clone();
        CsrValidationResult result = CsrValidator.Validate(csr, KeyPolicy.Default);
        csr[^1] ^= 0xFF;

        Assert.Equal(original, result.Csr!.Der.ToArray());
    }
}
