using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Ca.Tests.Authorities;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Issuance;

/// <summary>User certificates from software-key requests: subject from registration data, every extension, validity.</summary>
public class CertificateIssuerTests
{
    [Fact]
    public void Subject_comes_from_registration_data_and_requested_extensions_are_ignored()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // The request asks for another subject, a CA certificate and a SAN: none of it may reach the certificate.
        var request = new CertificateRequest("CN=Mallory, O=Evil Corp, C=US", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("evil.example");
        request.CertificateExtensions.Add(san.Build());
        CsrValidationResult validated = CsrValidator.Validate(request.CreateSigningRequest(), KeyPolicy.Default);
        Assert.True(validated.IsValid);
        Assert.Equal("CN=Mallory, O=Evil Corp, C=US", validated.Csr.RequestedSubject.Name);

        byte[] serial = SerialNumbers.New();
        using X509Certificate2 leaf = CertificateIssuer.Issue(issuing, validated.Csr, new SubjectData("YAMADA Taro", "000123"), TestPki.Profile, now, serial);

        Assert.Equal("SERIALNUMBER=FC000123, CN=YAMADA Taro, OU=Users, O=Kagi Test, C=JP", leaf.Subject);
        Assert.Equal(issuing.Certificate.Subject, leaf.Issuer);
        Assert.Equal(serial, leaf.SerialNumberBytes.ToArray());
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.False(leaf.HasPrivateKey);
        Assert.Null(leaf.Extensions["2.5.29.17"]);

        using var dir = new TempDirectory();
        string text = OpenSsl.Ok("x509", "-in", dir.Write("leaf.pem", leaf), "-noout", "-text");
        Assert.Contains("Subject: C = JP, O = Kagi Test, OU = Users, CN = YAMADA Taro, serialNumber = FC000123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Mallory", text, StringComparison.Ordinal);
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);
    }

    [Fact]
    public void Every_extension_is_as_specified_for_dotnet_and_openssl()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = RSA.Create(2048);
        using X509Certificate2 leaf = CertificateIssuer.Issue(issuing, TestPki.Csr(key), TestPki.Subject, TestPki.Profile, now, SerialNumbers.New());

        Assert.Equal(7, leaf.Extensions.Count);
        var constraints = leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.Critical);
        Assert.False(constraints.CertificateAuthority);
        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.False(eku.Critical);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        var ski = leaf.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
#pragma warning disable CA5350 // RFC 5280 method 1: the key identifier is the SHA-1 of the public key bits
        Assert.Equal(Convert.ToHexString(SHA1.HashData(SubjectPublicKeyBits(key.ExportSubjectPublicKeyInfo()))), ski.SubjectKeyIdentifier);
#pragma warning restore CA5350
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(issuing.KeyIdentifier.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        var aia = leaf.Extensions.OfType<X509AuthorityInformationAccessExtension>().Single();
        Assert.Equal(["http://ca.example.test/issuing.crt"], aia.EnumerateCAIssuersUris());
        Assert.Equal(["http://ocsp.example.test/"], aia.EnumerateOcspUris());
        X509Extension crlDp = leaf.Extensions["2.5.29.31"]!;
        Assert.False(crlDp.Critical);
        Assert.True(crlDp.RawData.AsSpan().IndexOf("http://crl.example.test/issuing.crl"u8) >= 0);

        using var dir = new TempDirectory();
        string text = OpenSsl.Ok("x509", "-in", dir.Write("leaf.pem", leaf), "-noout", "-text");
        string[] expected =
        [
            "X509v3 Basic Constraints: critical\n                CA:FALSE",
            "X509v3 Key Usage: critical\n                Digital Signature\n",
            "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
            "X509v3 Subject Key Identifier: \n                " + AuthorityCreationTests.Colons(Convert.FromHexString(ski.SubjectKeyIdentifier!)),
            "X509v3 Authority Key Identifier: \n                " + AuthorityCreationTests.Colons(issuing.KeyIdentifier.ToArray()),
            "X509v3 CRL Distribution Points: \n                Full Name:\n                  URI:http://crl.example.test/issuing.crl",
            "Authority Information Access: \n                OCSP - URI:http://ocsp.example.test/\n                CA Issuers - URI:http://ca.example.test/issuing.crt",
            "Public-Key: (2048 bit)",
        ];
        foreach (string line in expected)
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }

        OpenSslResult purpose = OpenSsl.Run("verify", "-CAfile", dir.Write("root.pem", root.ExportCertificatePem()),
            "-untrusted", dir.Write("issuing.pem", issuing.ExportCertificatePem()), "-purpose", "sslclient", dir.File("leaf.pem"));
        Assert.True(purpose.ExitCode == 0, purpose.All);
        OpenSslResult server = OpenSsl.Run("verify", "-CAfile", dir.File("root.pem"), "-untrusted", dir.File("issuing.pem"), "-purpose", "sslserver", dir.File("leaf.pem"));
        Assert.NotEqual(0, server.ExitCode);
    }

    [Fact]
    public void Without_ocsp_url_the_aia_has_only_ca_issuers_and_without_unit_there_is_no_ou()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        EndEntityProfile profile = TestPki.Profile with { AiaOcspUrl = null, OrganizationalUnit = null, CertificateIdPrefix = "KG" };
        using X509Certificate2 leaf = CertificateIssuer.Issue(issuing, TestPki.Csr(key), TestPki.Subject, profile, now, SerialNumbers.New());

        var aia = leaf.Extensions.OfType<X509AuthorityInformationAccessExtension>().Single();
        Assert.Empty(aia.EnumerateOcspUris());
        Assert.Equal(["http://ca.example.test/issuing.crt"], aia.EnumerateCAIssuersUris());
        Assert.Equal("SERIALNUMBER=KG000123, CN=YAMADA Taro, O=Kagi Test, C=JP", leaf.Subject);
    }

    [Fact]
    public void Validity_is_the_profile_validity_from_now()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        var expectedStart = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        Assert.Equal(expectedStart, leaf.NotBefore.ToUniversalTime());
        Assert.Equal(expectedStart.AddDays(365), leaf.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Validity_is_cut_at_the_issuing_CA_notAfter()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(30));
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        Assert.Equal(issuing.Certificate.NotAfter, leaf.NotAfter);

        // openssl agrees the certificate is valid on its last day and not after.
        using var dir = new TempDirectory();
        string rootPem = dir.Write("root.pem", root.ExportCertificatePem());
        string issuingPem = dir.Write("issuing.pem", issuing.ExportCertificatePem());
        string leafPem = dir.Write("leaf.pem", leaf);
        long lastDay = issuing.NotAfter.AddHours(-1).ToUnixTimeSeconds();
        long after = issuing.NotAfter.AddHours(1).ToUnixTimeSeconds();
        Assert.Equal(0, OpenSsl.Verify(rootPem, issuingPem, leafPem, "-attime", lastDay.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);
        Assert.NotEqual(0, OpenSsl.Verify(rootPem, issuingPem, leafPem, "-attime", after.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);
    }

    [Fact]
    public void Issuing_with_an_expired_CA_is_refused()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(1));

        var e = Assert.Throws<CaException>(() => TestPki.Leaf(issuing, now.AddDays(2)));
        Assert.Equal(CaError.AuthorityNotValid, e.Error);
    }

    [Theory]
    [InlineData("山田 太郎", "000123")]
    [InlineData("", "000123")]
    [InlineData(" YAMADA Taro", "000123")]
    [InlineData("YAMADA\nTaro", "000123")]
    [InlineData("YAMADA Taro", "")]
    [InlineData("YAMADA Taro", "00 123")]
    [InlineData("YAMADA Taro", "0001234567890123456789012345678901234567890123456789012345678901")]
    public void Invalid_registration_data_is_refused(string name, string id)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var e = Assert.Throws<CaException>(() =>
            CertificateIssuer.Issue(issuing, TestPki.Csr(key), new SubjectData(name, id), TestPki.Profile, now, SerialNumbers.New()));
        Assert.Equal(CaError.InvalidSubjectData, e.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x01 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x00, 0x01 })]
    [InlineData(new byte[0])]
    public void Invalid_serials_are_refused(byte[] serial)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<ArgumentException>(() => CertificateIssuer.Issue(issuing, TestPki.Csr(key), TestPki.Subject, TestPki.Profile, now, serial));
    }

    private static byte[] SubjectPublicKeyBits(byte[] spki)
    {
        var reader = new System.Formats.Asn1.AsnReader(spki, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        reader.ReadSequence();
        return reader.ReadBitString(out _);
    }
}
