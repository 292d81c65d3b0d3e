using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Ca.Tests.Authorities;
using Kagi.Ca.Tests.Keys;
using Kagi.Ca.Tests.Support;
using Kagi.Tokens.Tokens;

namespace Kagi.Ca.Tests.Issuance;

/// <summary>
/// <see cref="CertificateIssuer.IssueEncoded"/> against .NET's <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, byte[])"/>
/// with the same input: the same TBSCertificate byte for byte, a signature the CA key verifies, and the same facts
/// <see cref="X509Certificate2"/> reports.
/// </summary>
public class EncodedIssuanceTests
{
    public static TheoryData<CaKeyType, string> CaAndSubjectKeys
    {
        get
        {
            var data = new TheoryData<CaKeyType, string>();
            foreach (CaKeyType ca in new[] { CaKeyType.EcP256, CaKeyType.EcP384, CaKeyType.Rsa3072 })
            {
                foreach (string subject in new[] { "P-256", "RSA-2048" })
                {
                    data.Add(ca, subject);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaAndSubjectKeys))]
    public void Tbs_is_the_one_CertificateRequest_makes_the_signature_verifies_and_the_facts_match_X509Certificate2(CaKeyType caType, string subjectKey)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, caType, now);
        using AsymmetricAlgorithm key = subjectKey == "P-256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        ValidatedCsr csr = TestPki.Csr(key);
        byte[] serial = SerialNumbers.New();

        EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);

        // (a) The TBSCertificate equals .NET's for the same serial, time, subject and key.
        Assert.Equal(ReferenceTbs(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial), Tbs(encoded.Der));

        // (b) The CA's public key verifies the signature; openssl verifies the chain; X509Certificate2 reports the same facts.
        AssertSignedBy(issuing, encoded.Der.ToArray());
        using X509Certificate2 loaded = X509CertificateLoader.LoadCertificate(encoded.Der.Span);
        AssertFactsMatch(encoded, loaded);
        Assert.Equal(serial, encoded.SerialNumberBytes.ToArray());
        Assert.Equal("SERIALNUMBER=FC000123, CN=YAMADA Taro, OU=Users, O=Kagi Test, C=JP", encoded.Subject);
        Assert.Equal(csr.Fingerprint, encoded.Fingerprint);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), loaded.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(caType is CaKeyType.EcP384 ? "1.2.840.10045.4.3.3" : caType is CaKeyType.EcP256 ? "1.2.840.10045.4.3.2" : "1.2.840.113549.1.1.11",
            loaded.SignatureAlgorithm.Value);
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, loaded);
    }

    [Fact]
    public void Issue_loads_the_encoded_certificate()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.Rsa3072, now);
        using var key = RSA.Create(2048);
        ValidatedCsr csr = TestPki.Csr(key);
        byte[] serial = SerialNumbers.New();

        // RSA PKCS#1 v1.5 signatures are deterministic: both calls make the same certificate.
        EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);
        using X509Certificate2 issued = CertificateIssuer.Issue(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);

        Assert.Equal(encoded.Der.ToArray(), issued.RawData);
    }

    public static TheoryData<string, string, int, int> Across2050 => new()
    {
        // now, validity in seconds, expected tags of notBefore and notAfter (23 UTCTime, 24 GeneralizedTime)
        { "2049-12-31T23:59:30.750Z", "60", 23, 24 },
        { "2049-12-31T23:59:59Z", "1", 23, 24 },
        { "2049-12-31T23:59:58Z", "1", 23, 23 },
        { "2050-01-01T00:00:00Z", "86400", 24, 24 },
        { "2061-07-15T12:00:00Z", "31536000", 24, 24 },
    };

    [Theory]
    [MemberData(nameof(Across2050))]
    public void Dates_from_2050_are_generalized_time_as_CertificateRequest_writes_them(string at, string validitySeconds, int notBeforeTag, int notAfterTag)
    {
        DateTimeOffset created = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, created, TimeSpan.FromDays(365 * 60));
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, created, validity: TimeSpan.FromDays(365 * 60));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = TestPki.Csr(key);
        EndEntityProfile profile = TestPki.Profile with { Validity = TimeSpan.FromSeconds(int.Parse(validitySeconds, CultureInfo.InvariantCulture)) };
        DateTimeOffset now = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        byte[] serial = SerialNumbers.New();

        EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, profile, now, serial);

        byte[] tbs = Tbs(encoded.Der);
        Assert.Equal(ReferenceTbs(issuing, csr, TestPki.Subject, profile, now, serial), tbs);
        (Asn1Tag notBefore, Asn1Tag notAfter) = ValidityTags(tbs);
        Assert.Equal(notBeforeTag, notBefore.TagValue);
        Assert.Equal(notAfterTag, notAfter.TagValue);

        DateTimeOffset start = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Assert.Equal(start, encoded.NotBefore);
        Assert.Equal(start + profile.Validity, encoded.NotAfter);
        using X509Certificate2 loaded = X509CertificateLoader.LoadCertificate(encoded.Der.Span);
        AssertFactsMatch(encoded, loaded);

        // openssl reads the times alike: the leaf is valid on its first second and not before it.
        using var dir = new TempDirectory();
        string rootPem = dir.Write("root.pem", root.ExportCertificatePem());
        string issuingPem = dir.Write("issuing.pem", issuing.ExportCertificatePem());
        string leafPem = dir.Write("leaf.pem", loaded);
        string first = start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string before = (start.ToUnixTimeSeconds() - 1).ToString(CultureInfo.InvariantCulture);
        OpenSslResult valid = OpenSsl.Verify(rootPem, issuingPem, leafPem, "-attime", first);
        Assert.True(valid.ExitCode == 0, valid.All);
        Assert.NotEqual(0, OpenSsl.Verify(rootPem, issuingPem, leafPem, "-attime", before).ExitCode);
        string dates = OpenSsl.Ok("x509", "-in", leafPem, "-noout", "-enddate");
        Assert.Equal($"notAfter={OpenSslDate(encoded.NotAfter)} GMT\n", dates);
    }

    [Fact]
    public void Fractional_validity_and_the_CA_notAfter_cut_give_whole_seconds_as_CertificateRequest_does()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = TestPki.Csr(key);
        byte[] serial = SerialNumbers.New();

        EndEntityProfile fractional = TestPki.Profile with { Validity = TimeSpan.FromDays(10) + TimeSpan.FromMilliseconds(999) };
        EncodedCertificate short10 = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, fractional, now, serial);
        Assert.Equal(ReferenceTbs(issuing, csr, TestPki.Subject, fractional, now, serial), Tbs(short10.Der));
        Assert.Equal(0, short10.NotAfter.UtcTicks % TimeSpan.TicksPerSecond);
        Assert.Equal(short10.NotBefore + TimeSpan.FromDays(10), short10.NotAfter);

        EncodedCertificate cut = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);
        Assert.Equal(ReferenceTbs(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial), Tbs(cut.Der));
        Assert.Equal(issuing.NotAfter, cut.NotAfter);
    }

    [Fact]
    public void Profile_changes_reach_the_next_certificate_of_the_same_CA()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = TestPki.Csr(key);
        byte[] serial = SerialNumbers.New();

        foreach (EndEntityProfile profile in new[]
        {
            TestPki.Profile,
            TestPki.Profile with { AiaOcspUrl = null },
            TestPki.Profile with { CrlDistributionPointUrl = new Uri("http://crl2.example.test/g2.crl") },
            TestPki.Profile with { AiaCaIssuersUrl = new Uri("https://ca.example.test/g2.crt") },
            TestPki.Profile,
        })
        {
            EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, profile, now, serial);
            Assert.Equal(ReferenceTbs(issuing, csr, TestPki.Subject, profile, now, serial), Tbs(encoded.Der));
        }
    }

    [Fact]
    public void Checks_of_Issue_apply_and_the_serial_is_copied()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = TestPki.Csr(key);

        Assert.Throws<ArgumentException>(() => CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, [0x80, 0x01]));
        Assert.Equal(CaError.AuthorityNotValid,
            Assert.Throws<CaException>(() => CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now.AddDays(2), SerialNumbers.New())).Error);
        Assert.Equal(CaError.InvalidSubjectData,
            Assert.Throws<CaException>(() => CertificateIssuer.IssueEncoded(issuing, csr, new SubjectData("", "1"), TestPki.Profile, now, SerialNumbers.New())).Error);
        Assert.Equal(CaError.InvalidProfile,
            Assert.Throws<CaException>(() => CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile with { Country = "jp" }, now, SerialNumbers.New())).Error);

        byte[] serial = SerialNumbers.New();
        byte[] original = (byte[])serial.Clone();
        EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);
        serial[0] = 0x01;
        Assert.Equal(original, encoded.SerialNumberBytes.ToArray());
        Assert.Equal(SerialNumbers.ToHex(original), encoded.SerialNumber);
    }

    /// <summary>What the issuer did before it encoded certificates itself: CertificateRequest.Create with the same extensions.</summary>
    internal static byte[] ReferenceTbs(
        CertificateAuthority authority, ValidatedCsr csr, SubjectData subject, EndEntityProfile profile, DateTimeOffset now, byte[] serial)
    {
        // As the issuer always did: from now without its fraction of a second (CertificateRequest drops the fraction
        // of each time it is given).
        DateTimeOffset notBefore = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        DateTimeOffset notAfter = notBefore + profile.Validity;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }

        var request = new CertificateRequest(EndEntitySubject.Build(subject, profile), csr.PublicKey, authority.Key.HashAlgorithm);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(csr.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(authority.KeyIdentifier.Span));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([profile.CrlDistributionPointUrl.AbsoluteUri]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(
            profile.AiaOcspUrl is { } ocsp ? [ocsp.AbsoluteUri] : null, [profile.AiaCaIssuersUrl.AbsoluteUri]));
        using X509Certificate2 certificate = request.Create(authority.Name, authority.Key.SignatureGenerator, notBefore, notAfter, serial);
        return Tbs(certificate.RawData);
    }

    internal static byte[] Tbs(ReadOnlyMemory<byte> certificate) =>
        new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    internal static void AssertFactsMatch(EncodedCertificate encoded, X509Certificate2 loaded)
    {
        Assert.Equal(loaded.SerialNumber, encoded.SerialNumber);
        Assert.Equal(loaded.SerialNumberBytes.ToArray(), encoded.SerialNumberBytes.ToArray());
        Assert.Equal(loaded.Subject, encoded.Subject);
        Assert.Equal(loaded.SubjectName.RawData, encoded.SubjectName.RawData);
        Assert.Equal(loaded.NotBefore.ToUniversalTime(), encoded.NotBefore.UtcDateTime);
        Assert.Equal(loaded.NotAfter.ToUniversalTime(), encoded.NotAfter.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, encoded.NotBefore.Offset);
        Assert.Equal(SHA256.HashData(loaded.PublicKey.ExportSubjectPublicKeyInfo()), encoded.SubjectPublicKeyInfoSha256.ToArray());
        Assert.Equal(KeyFingerprint.Of(loaded), encoded.Fingerprint);
    }

    /// <summary>Verifies the certificate's signature over its TBSCertificate with the CA certificate's public key.</summary>
    internal static void AssertSignedBy(CertificateAuthority authority, byte[] der)
    {
        AsnReader certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        byte[] tbs = certificate.ReadEncodedValue().ToArray();
        byte[] algorithm = certificate.ReadEncodedValue().ToArray();
        byte[] signature = certificate.ReadBitString(out int unused);
        certificate.ThrowIfNotEmpty();
        Assert.Equal(0, unused);
        Assert.Equal(authority.Key.SignatureGenerator.GetSignatureAlgorithmIdentifier(authority.Key.HashAlgorithm), algorithm);
        HashAlgorithmName hash = authority.Key.HashAlgorithm;
        using ECDsa? ec = authority.Certificate.GetECDsaPublicKey();
        using RSA? rsa = authority.Certificate.GetRSAPublicKey();
        bool verified = ec is not null
            ? ec.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence)
            : rsa!.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
        Assert.True(verified);
        tbs[^1] ^= 1;
        Assert.False(ec is not null
            ? ec.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence)
            : rsa!.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1));
    }

    private static (Asn1Tag NotBefore, Asn1Tag NotAfter) ValidityTags(byte[] tbs)
    {
        AsnReader reader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        _ = reader.ReadEncodedValue(); // version
        _ = reader.ReadEncodedValue(); // serialNumber
        _ = reader.ReadEncodedValue(); // signature
        _ = reader.ReadEncodedValue(); // issuer
        AsnReader validity = reader.ReadSequence();
        Asn1Tag notBefore = validity.PeekTag();
        _ = validity.ReadEncodedValue();
        return (notBefore, validity.PeekTag());
    }

    private static string OpenSslDate(DateTimeOffset time)
    {
        // openssl prints "Jan  1 00:00:30 2050": the day padded with a space to two characters.
        DateTime utc = time.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{utc:MMM} {utc.Day,2} {utc:HH:mm:ss yyyy}");
    }
}

/// <summary><see cref="CertificateIssuer.IssueEncoded"/> with the CA key on a SoftHSM2 token.</summary>
[Collection(CaTokenCollection.Name)]
public class TokenEncodedIssuanceTests(CaTokenFixture fixture)
{
    [Theory]
    [InlineData(CaKeyType.EcP256)]
    [InlineData(CaKeyType.Rsa3072)]
    public void Token_CA_key_signs_the_encoded_certificate_and_its_tbs_is_the_one_CertificateRequest_makes(CaKeyType type)
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP384, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, TokenCaKey.Generate(session.Session, type, "encoded-" + type, id), now);
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            ValidatedCsr csr = TestPki.Csr(key);
            byte[] serial = SerialNumbers.New();

            EncodedCertificate encoded = CertificateIssuer.IssueEncoded(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial);

            Assert.Equal(EncodedIssuanceTests.ReferenceTbs(issuing, csr, TestPki.Subject, TestPki.Profile, now, serial), EncodedIssuanceTests.Tbs(encoded.Der));
            EncodedIssuanceTests.AssertSignedBy(issuing, encoded.Der.ToArray());
            using X509Certificate2 loaded = X509CertificateLoader.LoadCertificate(encoded.Der.Span);
            EncodedIssuanceTests.AssertFactsMatch(encoded, loaded);
            AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, loaded);
        }
        finally
        {
            TokenCaKeyTests.Destroy(session, id);
        }
    }
}
