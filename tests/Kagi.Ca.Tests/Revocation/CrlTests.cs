using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Ca.Revocation;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Revocation;

/// <summary>CRLs read by openssl, and used by openssl verify -crl_check to reject revoked certificates.</summary>
public class CrlTests
{
    [Theory]
    [InlineData(CaKeyType.EcP256)]
    [InlineData(CaKeyType.Rsa3072)]
    public void Crl_lists_revoked_serials_and_openssl_rejects_only_revoked_certificates(CaKeyType type)
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(type, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, type, now);
        using X509Certificate2 compromised = TestPki.Leaf(issuing, now, "000001");
        using X509Certificate2 ceased = TestPki.Leaf(issuing, now, "000002");
        using X509Certificate2 good = TestPki.Leaf(issuing, now, "000003");

        Crl crl = CrlBuilder.Build(
            issuing,
            [
                new RevokedCertificate(compromised.SerialNumberBytes.ToArray(), now.AddMinutes(-5), X509RevocationReason.KeyCompromise),
                new RevokedCertificate(ceased.SerialNumberBytes.ToArray(), now.AddMinutes(-2), X509RevocationReason.CessationOfOperation),
            ],
            new BigInteger(42),
            now,
            now.AddDays(7));

        Assert.Equal(new BigInteger(42), crl.Number);
        Assert.StartsWith("-----BEGIN X509 CRL-----\n", crl.ToPem(), StringComparison.Ordinal);

        using var dir = new TempDirectory();
        string der = dir.Write("crl.der", crl.Der.ToArray());
        string text = OpenSsl.Ok("crl", "-inform", "DER", "-in", der, "-noout", "-text");
        Assert.Contains("Issuer: C = JP, O = Kagi Test, CN = Kagi Test Issuing CA", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 CRL Number: \n                42", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 Authority Key Identifier: \n                " + Authorities.AuthorityCreationTests.Colons(issuing.KeyIdentifier.ToArray()), text, StringComparison.Ordinal);
        Assert.Contains("Serial Number: " + compromised.SerialNumber + "\n", text, StringComparison.Ordinal);
        Assert.Contains("Serial Number: " + ceased.SerialNumber + "\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(good.SerialNumber, text, StringComparison.Ordinal);
        int first = text.IndexOf(compromised.SerialNumber, StringComparison.Ordinal);
        int second = text.IndexOf(ceased.SerialNumber, StringComparison.Ordinal);
        string firstEntry = first < second ? text[first..second] : text[first..];
        string secondEntry = first < second ? text[second..] : text[second..first];
        Assert.Contains("Key Compromise", firstEntry, StringComparison.Ordinal);
        Assert.Contains("Cessation Of Operation", secondEntry, StringComparison.Ordinal);
        Assert.Equal($"nextUpdate={OpenSslTime(crl.NextUpdate)}\n", OpenSsl.Ok("crl", "-inform", "DER", "-in", der, "-noout", "-nextupdate"));
        Assert.Equal($"lastUpdate={OpenSslTime(crl.ThisUpdate)}\n", OpenSsl.Ok("crl", "-inform", "DER", "-in", der, "-noout", "-lastupdate"));
        Assert.Equal(now.AddDays(7).UtcDateTime, crl.NextUpdate.UtcDateTime, TimeSpan.FromSeconds(1));

        string rootPem = dir.Write("root.pem", root.ExportCertificatePem());
        string issuingPem = dir.Write("issuing.pem", issuing.ExportCertificatePem());
        string crlPem = dir.Write("crl.pem", crl.ToPem());
        foreach ((X509Certificate2 leaf, bool revoked) in new[] { (compromised, true), (ceased, true), (good, false) })
        {
            string leafPem = dir.Write(leaf.SerialNumber + ".pem", leaf);
            OpenSslResult result = OpenSsl.Verify(rootPem, issuingPem, leafPem, "-crl_check", "-CRLfile", crlPem);
            if (revoked)
            {
                Assert.NotEqual(0, result.ExitCode);
                Assert.Contains("certificate revoked", result.All, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(result.ExitCode == 0, result.All);
            }
        }
    }

    [Fact]
    public void Crl_is_signed_by_the_issuing_CA_and_unspecified_reason_is_left_out()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        Crl crl = CrlBuilder.Build(issuing, [new RevokedCertificate(leaf.SerialNumberBytes.ToArray(), now, X509RevocationReason.Unspecified)], BigInteger.One, now, now.AddDays(1));

        using var dir = new TempDirectory();
        string crlPem = dir.Write("crl.pem", crl.ToPem());
        OpenSslResult signed = OpenSsl.Run("crl", "-in", crlPem, "-CAfile", dir.Write("chain.pem", issuing.ExportCertificatePem() + root.ExportCertificatePem()), "-noout");
        Assert.Contains("verify OK", signed.All, StringComparison.Ordinal);
        OpenSslResult wrongSigner = OpenSsl.Run("crl", "-in", crlPem, "-CAfile", dir.Write("root.pem", root.ExportCertificatePem()), "-noout");
        Assert.DoesNotContain("verify OK", wrongSigner.All, StringComparison.Ordinal);

        string text = OpenSsl.Ok("crl", "-in", crlPem, "-noout", "-text");
        Assert.Contains(leaf.SerialNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reason Code", text, StringComparison.Ordinal);

        // .NET reads it back with the same number and entry.
        CertificateRevocationListBuilder loaded = CertificateRevocationListBuilder.Load(crl.Der.ToArray(), out BigInteger number);
        Assert.Equal(BigInteger.One, number);
        Assert.True(loaded.RemoveEntry(leaf.SerialNumberBytes.ToArray()));
    }

    [Fact]
    public void Empty_crl_is_valid_and_next_update_must_follow_this_update()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);

        Crl crl = CrlBuilder.Build(issuing, [], BigInteger.Zero, now, now.AddHours(1));
        using var dir = new TempDirectory();
        Assert.DoesNotContain("Serial Number", OpenSsl.Ok("crl", "-in", dir.Write("crl.pem", crl.ToPem()), "-noout", "-text"), StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => CrlBuilder.Build(issuing, [], BigInteger.One, now, now));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrlBuilder.Build(issuing, [], BigInteger.MinusOne, now, now.AddDays(1)));
    }

    private static string OpenSslTime(DateTimeOffset time)
    {
        DateTime t = time.UtcDateTime;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return $"{t.ToString("MMM", c)} {t.Day,2} {t.ToString("HH:mm:ss yyyy", c)} GMT";
    }
}
