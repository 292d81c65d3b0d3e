using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Keys;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Keys;

/// <summary>Software CA keys at rest: encrypted PKCS#8 that openssl reads, wrong passwords and unencrypted keys refused.</summary>
public class SoftwareCaKeyTests
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData(CaKeyType.EcP256, "SHA256")]
    [InlineData(CaKeyType.EcP384, "SHA384")]
    [InlineData(CaKeyType.Rsa3072, "SHA256")]
    public void Encrypted_pem_round_trip_keeps_the_key(CaKeyType type, string hash)
    {
        using var key = SoftwareCaKey.Create(type);
        string pem = key.ExportEncryptedPem(Password);

        using var imported = SoftwareCaKey.ImportEncryptedPem(pem, Password);

        Assert.Equal(type, imported.KeyType);
        Assert.Equal(hash, imported.HashAlgorithm.Name);
        Assert.Equal(key.PublicKey.ExportSubjectPublicKeyInfo(), imported.PublicKey.ExportSubjectPublicKeyInfo());

        // The imported key signs what the original's public key verifies.
        var request = new CertificateRequest(new X500DistinguishedName("CN=Round Trip"), imported.PublicKey, imported.HashAlgorithm);
        using X509Certificate2 self = request.Create(request.SubjectName, imported.SignatureGenerator, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [0x01]);
        using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(self);
        Assert.True(chain.Build(self));
    }

    [Fact]
    public void Exported_key_is_pbes2_aes256_pbkdf2_sha256_600000_and_openssl_decrypts_it()
    {
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);
        string pem = key.ExportEncryptedPem(Password);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", pem, StringComparison.Ordinal);

        using var dir = new TempDirectory();
        string path = dir.Write("key.pem", pem);
        string asn1 = OpenSsl.Ok("asn1parse", "-in", path);
        Assert.Contains(":PBES2", asn1, StringComparison.Ordinal);
        Assert.Contains(":PBKDF2", asn1, StringComparison.Ordinal);
        Assert.Contains(":hmacWithSHA256", asn1, StringComparison.Ordinal);
        Assert.Contains(":aes-256-cbc", asn1, StringComparison.Ordinal);
        Assert.Contains("INTEGER           :0927C0", asn1, StringComparison.Ordinal); // 600,000

        var env = new Dictionary<string, string> { ["KAGI_KEY_PASSWORD"] = Password };
        string publicPem = OpenSsl.Ok(env, "pkey", "-in", path, "-passin", "env:KAGI_KEY_PASSWORD", "-pubout");
        Assert.Equal(PemEncoding.WriteString("PUBLIC KEY", key.PublicKey.ExportSubjectPublicKeyInfo()) + "\n", publicPem);

        env["KAGI_KEY_PASSWORD"] = "wrong";
        Assert.NotEqual(0, OpenSsl.Run(env, "pkey", "-in", path, "-passin", "env:KAGI_KEY_PASSWORD", "-pubout").ExitCode);
    }

    [Fact]
    public void Two_exports_use_fresh_salt_and_iv()
    {
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);
        Assert.NotEqual(key.ExportEncryptedPem(Password), key.ExportEncryptedPem(Password));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    [InlineData("correct horse battery stapl")]
    [InlineData("Correct horse battery staple")]
    public void Wrong_password_is_reported_as_such(string password)
    {
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);
        string pem = key.ExportEncryptedPem(Password);

        var e = Assert.Throws<CaException>(() => SoftwareCaKey.ImportEncryptedPem(pem, password));
        Assert.Equal(CaError.WrongPassword, e.Error);
    }

    [Fact]
    public void Unencrypted_keys_are_refused_unless_allowed()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (string pem in new[] { ec.ExportPkcs8PrivateKeyPem(), ec.ExportECPrivateKeyPem() })
        {
            var e = Assert.Throws<CaException>(() => SoftwareCaKey.ImportEncryptedPem(pem, Password));
            Assert.Equal(CaError.KeyNotEncrypted, e.Error);

            using var allowed = SoftwareCaKey.ImportEncryptedPem(pem, default, allowUnencrypted: true);
            Assert.Equal(ec.ExportSubjectPublicKeyInfo(), allowed.PublicKey.ExportSubjectPublicKeyInfo());
        }
    }

    [Fact]
    public void Key_encrypted_by_openssl_pkcs8_is_read()
    {
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string> { ["KAGI_KEY_PASSWORD"] = Password };
        OpenSsl.Ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", dir.File("plain.pem"));
        OpenSsl.Ok(env, "pkcs8", "-topk8", "-in", dir.File("plain.pem"), "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512",
            "-passout", "env:KAGI_KEY_PASSWORD", "-out", dir.File("encrypted.pem"));
        OpenSsl.Ok("pkey", "-in", dir.File("plain.pem"), "-pubout", "-outform", "DER", "-out", dir.File("spki.der"));

        using var key = SoftwareCaKey.ImportEncryptedPem(File.ReadAllText(dir.File("encrypted.pem")), Password);

        Assert.Equal(CaKeyType.EcP384, key.KeyType);
        Assert.Equal(File.ReadAllBytes(dir.File("spki.der")), key.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Legacy_pbes1_encryption_is_unsupported()
    {
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string> { ["KAGI_KEY_PASSWORD"] = Password };
        OpenSsl.Ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", dir.File("plain.pem"));
        OpenSsl.Ok(env, "pkcs8", "-topk8", "-in", dir.File("plain.pem"), "-v1", "PBE-SHA1-3DES", "-passout", "env:KAGI_KEY_PASSWORD", "-out", dir.File("old.pem"));

        var e = Assert.Throws<CaException>(() => SoftwareCaKey.ImportEncryptedPem(File.ReadAllText(dir.File("old.pem")), Password));
        Assert.Equal(CaError.UnsupportedKeyEncryption, e.Error);
    }

    [Fact]
    public void Key_of_another_type_is_unsupported_even_with_the_right_password()
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        string pem = p521.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));

        var e = Assert.Throws<CaException>(() => SoftwareCaKey.ImportEncryptedPem(pem, Password));
        Assert.Equal(CaError.UnsupportedKeyType, e.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not pem at all")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")]
    public void Text_without_a_readable_key_is_malformed(string pem)
    {
        var e = Assert.Throws<CaException>(() => SoftwareCaKey.ImportEncryptedPem(pem, Password));
        Assert.Equal(CaError.MalformedKey, e.Error);
    }

    [Fact]
    public void Export_with_an_empty_password_is_refused()
    {
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);
        Assert.Throws<ArgumentException>(() => key.ExportEncryptedPem(string.Empty));
    }
}
