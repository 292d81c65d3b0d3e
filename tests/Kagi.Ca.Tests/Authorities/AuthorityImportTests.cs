using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Authorities;

/// <summary>Loading CAs from PEM (certificate + encrypted key) and from PKCS#12 files made by openssl.</summary>
public class AuthorityImportTests
{
    private const string Password = "issuing-ca-password";

    [Fact]
    public void Pem_export_and_import_give_a_working_CA()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP384, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);

        string certificatePem = issuing.ExportCertificatePem() + root.ExportCertificatePem();
        using CertificateAuthority loaded = CertificateAuthority.FromPem(certificatePem, issuing.ExportKeyPem(Password), Password);

        Assert.Equal(issuing.Certificate.RawData, loaded.Certificate.RawData);
        Assert.Equal(CaKeyType.EcP256, loaded.Key.KeyType);
        using X509Certificate2 leaf = TestPki.Leaf(loaded, now);
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);
    }

    [Fact]
    public void Pem_import_with_the_wrong_password_fails_with_wrong_password()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);

        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromPem(root.ExportCertificatePem(), root.ExportKeyPem(Password), "nope"));
        Assert.Equal(CaError.WrongPassword, e.Error);
    }

    [Fact]
    public void Pem_import_of_a_key_that_is_not_the_certificate_key_is_a_mismatch()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using var other = SoftwareCaKey.Create(CaKeyType.EcP256);

        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromPem(root.ExportCertificatePem(), other.ExportEncryptedPem(Password), Password));
        Assert.Equal(CaError.KeyMismatch, e.Error);
    }

    [Fact]
    public void A_user_certificate_is_not_a_CA()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using var userKey = SoftwareCaKey.Create(CaKeyType.EcP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=User"), userKey.PublicKey, userKey.HashAlgorithm);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using X509Certificate2 user = request.Create(root.Name, root.Key.SignatureGenerator, now, now.AddDays(1), [0x42]);

        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromCertificate(user, userKey));
        Assert.Equal(CaError.NotACertificateAuthority, e.Error);
    }

    [Fact]
    public void Certificate_text_without_a_certificate_is_malformed()
    {
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);
        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromPem("nothing here", key.ExportEncryptedPem(Password), Password));
        Assert.Equal(CaError.MalformedCertificate, e.Error);
    }

    [Theory]
    [InlineData(CaKeyType.EcP256)]
    [InlineData(CaKeyType.Rsa3072)]
    public void Pkcs12_made_by_openssl_is_imported(CaKeyType type)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, type, now);
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string> { ["KAGI_KEY_PASSWORD"] = Password, ["KAGI_P12_PASSWORD"] = "p12-password" };
        OpenSsl.Ok(env, "pkcs12", "-export",
            "-inkey", dir.Write("key.pem", issuing.ExportKeyPem(Password)), "-passin", "env:KAGI_KEY_PASSWORD",
            "-in", dir.Write("issuing.pem", issuing.ExportCertificatePem()),
            "-certfile", dir.Write("root.pem", root.ExportCertificatePem()),
            "-passout", "env:KAGI_P12_PASSWORD", "-out", dir.File("ca.p12"));
        byte[] pkcs12 = File.ReadAllBytes(dir.File("ca.p12"));

        using CertificateAuthority loaded = CertificateAuthority.FromPkcs12(pkcs12, "p12-password");

        Assert.Equal(issuing.Certificate.RawData, loaded.Certificate.RawData);
        Assert.Equal(type, loaded.Key.KeyType);
        Assert.False(loaded.Certificate.HasPrivateKey);
        using X509Certificate2 leaf = TestPki.Leaf(loaded, now);
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);

        var wrong = Assert.Throws<CaException>(() => CertificateAuthority.FromPkcs12(pkcs12, "wrong"));
        Assert.Equal(CaError.WrongPkcs12Password, wrong.Error);
    }

    [Fact]
    public void Pkcs12_without_a_private_key_is_refused()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string> { ["KAGI_P12_PASSWORD"] = "p12-password" };
        OpenSsl.Ok(env, "pkcs12", "-export", "-nokeys", "-in", dir.Write("root.pem", root.ExportCertificatePem()),
            "-passout", "env:KAGI_P12_PASSWORD", "-out", dir.File("certs.p12"));

        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromPkcs12(File.ReadAllBytes(dir.File("certs.p12")), "p12-password"));
        Assert.Equal(CaError.Pkcs12KeyNotFound, e.Error);
    }

    [Fact]
    public void Bytes_that_are_not_pkcs12_are_malformed()
    {
        var e = Assert.Throws<CaException>(() => CertificateAuthority.FromPkcs12("definitely not a PFX"u8.ToArray(), "x"));
        Assert.Equal(CaError.MalformedCertificate, e.Error);
    }
}
