using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Authorities;

/// <summary>Root and issuing CAs for every key type: chains checked by openssl, CA extensions by .NET and openssl.</summary>
public class AuthorityCreationTests
{
    [Theory]
    [InlineData(CaKeyType.EcP256, "1.2.840.10045.4.3.2")]
    [InlineData(CaKeyType.EcP384, "1.2.840.10045.4.3.3")]
    [InlineData(CaKeyType.Rsa3072, "1.2.840.113549.1.1.11")]
    public void Root_and_issuing_CA_of_one_key_type_form_a_chain_openssl_verifies(CaKeyType type, string signatureOid)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(type, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, type, now);
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        Assert.Equal(type, root.Key.KeyType);
        Assert.Equal(signatureOid, root.Certificate.SignatureAlgorithm.Value);
        Assert.Equal(signatureOid, issuing.Certificate.SignatureAlgorithm.Value);
        Assert.Equal(signatureOid, leaf.SignatureAlgorithm.Value);
        AssertVerifiedByOpenSsl(root, issuing, leaf);
    }

    [Fact]
    public void Rsa4096_root_signs_an_ec_issuing_CA_and_openssl_verifies_the_chain()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.Rsa4096, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP384, now);
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        Assert.Equal(4096, root.Certificate.GetRSAPublicKey()!.KeySize);
        Assert.Equal("1.2.840.113549.1.1.12", root.Certificate.SignatureAlgorithm.Value); // sha384WithRSAEncryption
        Assert.Equal("1.2.840.113549.1.1.12", issuing.Certificate.SignatureAlgorithm.Value);
        Assert.Equal("1.2.840.10045.4.3.3", leaf.SignatureAlgorithm.Value); // ecdsa-with-SHA384
        AssertVerifiedByOpenSsl(root, issuing, leaf);
    }

    [Fact]
    public void Ca_certificates_carry_the_CA_extensions_and_names()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now, TimeSpan.FromDays(3650));
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, "Kagi Test Issuing CA G2", TimeSpan.FromDays(1000));

        Assert.True(root.IsRoot);
        Assert.False(issuing.IsRoot);
        Assert.Equal("CN=Kagi Test Root CA, O=Kagi Test, C=JP", root.Certificate.Subject);
        Assert.Equal(root.Certificate.Subject, root.Certificate.Issuer);
        Assert.Equal("CN=Kagi Test Issuing CA G2, O=Kagi Test, C=JP", issuing.Certificate.Subject);
        Assert.Equal(root.Certificate.Subject, issuing.Certificate.Issuer);

        foreach ((CertificateAuthority ca, int pathLength, CertificateAuthority issuer) in new[] { (root, 1, root), (issuing, 0, root) })
        {
            X509Certificate2 c = ca.Certificate;
            var constraints = c.Extensions.OfType<X509BasicConstraintsExtension>().Single();
            Assert.True(constraints.Critical);
            Assert.True(constraints.CertificateAuthority);
            Assert.True(constraints.HasPathLengthConstraint);
            Assert.Equal(pathLength, constraints.PathLengthConstraint);
            var usage = c.Extensions.OfType<X509KeyUsageExtension>().Single();
            Assert.True(usage.Critical);
            Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
            var ski = c.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
            Assert.Equal(new X509SubjectKeyIdentifierExtension(c.PublicKey, false).SubjectKeyIdentifier, ski.SubjectKeyIdentifier);
            Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), ca.KeyIdentifier.ToArray());
            var aki = c.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
            Assert.Equal(issuer.KeyIdentifier.ToArray(), aki.KeyIdentifier!.Value.ToArray());
            Assert.Equal(4, c.Extensions.Count);
            Assert.False(c.HasPrivateKey);
            Assert.Equal(16, c.SerialNumberBytes.Length);
        }

        Assert.Equal(now.AddDays(3650).UtcDateTime, root.NotAfter.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Equal(now.AddDays(1000).UtcDateTime, issuing.NotAfter.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Equal(now.UtcDateTime, issuing.NotBefore.UtcDateTime, TimeSpan.FromSeconds(1));

        using var dir = new TempDirectory();
        string text = OpenSsl.Ok("x509", "-in", dir.Write("issuing.pem", issuing.ExportCertificatePem()), "-noout", "-text");
        Assert.Contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign", text, StringComparison.Ordinal);
        Assert.Contains("Subject: C = JP, O = Kagi Test, CN = Kagi Test Issuing CA G2", text, StringComparison.Ordinal);
        Assert.Contains(Colons(root.KeyIdentifier.ToArray()), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuing_CA_validity_is_cut_at_the_root_notAfter()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now, TimeSpan.FromDays(30));
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(365));

        Assert.Equal(root.NotAfter, issuing.NotAfter);
    }

    [Fact]
    public void Issuing_CA_below_a_CA_with_path_length_zero_is_refused()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);

        var e = Assert.Throws<CaException>(() => TestPki.Issuing(issuing, key, now, "Too Deep"));
        Assert.Equal(CaError.PathLengthExceeded, e.Error);
    }

    [Fact]
    public void Issuing_CA_from_an_expired_root_is_refused()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now, TimeSpan.FromDays(1));
        using var key = SoftwareCaKey.Create(CaKeyType.EcP256);

        var e = Assert.Throws<CaException>(() => TestPki.Issuing(root, key, now.AddDays(2)));
        Assert.Equal(CaError.AuthorityNotValid, e.Error);
    }

    internal static void AssertVerifiedByOpenSsl(CertificateAuthority root, CertificateAuthority issuing, X509Certificate2 leaf)
    {
        using var dir = new TempDirectory();
        string rootPem = dir.Write("root.pem", root.ExportCertificatePem());
        string issuingPem = dir.Write("issuing.pem", issuing.ExportCertificatePem());
        string leafPem = dir.Write("leaf.pem", leaf);
        OpenSslResult result = OpenSsl.Verify(rootPem, issuingPem, leafPem);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal($"{leafPem}: OK\n", result.Output);

        // Without the issuing CA the chain cannot be built: the verification above really used it.
        Assert.NotEqual(0, OpenSsl.Run("verify", "-CAfile", rootPem, leafPem).ExitCode);
    }

    internal static string Colons(byte[] bytes) => string.Join(':', bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
