using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Ca.Revocation;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Authorities;

/// <summary>CA renewal: two issuing CAs under one root, both chains valid, the retired one still signing CRLs.</summary>
public class AuthoritySetTests
{
    [Fact]
    public void Renewed_set_issues_with_the_new_CA_and_both_chains_verify()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP384, now);
        using CertificateAuthority first = TestPki.Issuing(root, CaKeyType.EcP256, now, "Kagi Test Issuing CA G1");
        using CertificateAuthority second = TestPki.Issuing(root, CaKeyType.EcP256, now, "Kagi Test Issuing CA G2");
        var set = new AuthoritySet(root.Certificate, first);
        using X509Certificate2 oldLeaf = TestPki.Leaf(set.Active, now, "000001");

        AuthoritySet renewed = set.Renew(second);
        using X509Certificate2 newLeaf = TestPki.Leaf(renewed.Active, now, "000002");

        Assert.Same(second, renewed.Active);
        Assert.Equal([first], renewed.Retired);
        Assert.Equal([second, first], renewed.All);
        Assert.Same(first, set.Active);
        Assert.Equal("CN=Kagi Test Issuing CA G2, O=Kagi Test, C=JP", newLeaf.Issuer);
        Assert.Same(first, renewed.FindIssuerOf(oldLeaf));
        Assert.Same(second, renewed.FindIssuerOf(newLeaf));
        Assert.Same(first, renewed.FindByKeyIdentifier(first.KeyIdentifier.Span));
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, first, oldLeaf);
        AuthorityCreationTests.AssertVerifiedByOpenSsl(root, second, newLeaf);

        // Each leaf verifies only through its own issuing CA.
        using var dir = new TempDirectory();
        Assert.NotEqual(0, OpenSsl.Verify(dir.Write("root.pem", root.ExportCertificatePem()),
            dir.Write("second.pem", second.ExportCertificatePem()), dir.Write("old.pem", oldLeaf)).ExitCode);

        // The retired CA still signs a CRL openssl accepts.
        Crl crl = CrlBuilder.Build(renewed.Retired[0], [], BigInteger.One, now, now.AddDays(7));
        string chain = dir.Write("chain.pem", first.ExportCertificatePem() + root.ExportCertificatePem());
        OpenSslResult verified = OpenSsl.Run("crl", "-in", dir.Write("crl.pem", crl.ToPem()), "-CAfile", chain, "-noout");
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("verify OK", verified.All, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retired_CA_can_be_removed_only_after_its_last_certificate_expired()
    {
        DateTimeOffset now = TestPki.Now;
        DateTimeOffset lastNotAfter = now.AddDays(100);

        Assert.False(AuthoritySet.CanRemove(lastNotAfter, now));
        Assert.False(AuthoritySet.CanRemove(lastNotAfter, lastNotAfter));
        Assert.True(AuthoritySet.CanRemove(lastNotAfter, lastNotAfter.AddSeconds(1)));
        Assert.True(AuthoritySet.CanRemove(null, now));
    }

    [Fact]
    public void Remove_drops_a_retired_CA_but_never_the_active_one()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority first = TestPki.Issuing(root, CaKeyType.EcP256, now, "G1");
        using CertificateAuthority second = TestPki.Issuing(root, CaKeyType.EcP256, now, "G2");
        AuthoritySet set = new AuthoritySet(root.Certificate, first).Renew(second);

        AuthoritySet trimmed = set.Remove(first);

        Assert.Empty(trimmed.Retired);
        Assert.Same(second, trimmed.Active);
        Assert.Null(trimmed.FindByKeyIdentifier(first.KeyIdentifier.Span));
        Assert.Throws<ArgumentException>(() => set.Remove(second));
        Assert.Throws<ArgumentException>(() => set.Renew(first));
    }

    [Fact]
    public void Renewal_is_due_when_a_full_lifetime_certificate_would_outlive_the_active_CA()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now, validity: TimeSpan.FromDays(400));
        var set = new AuthoritySet(root.Certificate, issuing);

        Assert.False(set.NeedsRenewal(now, TimeSpan.FromDays(365)));
        Assert.True(set.NeedsRenewal(now.AddDays(40), TimeSpan.FromDays(365)));
    }

    [Fact]
    public void An_issuing_CA_of_another_root_is_refused()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority otherRoot = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority foreign = TestPki.Issuing(otherRoot, CaKeyType.EcP256, now);
        using CertificateAuthority own = TestPki.Issuing(root, CaKeyType.EcP256, now);

        // Same names, different keys: only the signature tells them apart.
        Assert.Equal(root.Certificate.Subject, otherRoot.Certificate.Subject);
        var e = Assert.Throws<CaException>(() => new AuthoritySet(root.Certificate, foreign));
        Assert.Equal(CaError.NotIssuedByRoot, e.Error);
        Assert.Throws<CaException>(() => new AuthoritySet(root.Certificate, own).Renew(foreign));
        using X509Certificate2 foreignLeaf = TestPki.Leaf(foreign, now);
        Assert.Null(new AuthoritySet(root.Certificate, own).FindIssuerOf(foreignLeaf));
    }
}
