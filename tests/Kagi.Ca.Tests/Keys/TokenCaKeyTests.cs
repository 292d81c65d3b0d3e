using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Revocation;
using Kagi.Ca.Tests.Authorities;
using Kagi.Ca.Tests.Support;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Ca.Tests.Keys;

/// <summary>CA keys on a SoftHSM2 token: certificates and CRLs signed on the token, verified by openssl.</summary>
[Collection(CaTokenCollection.Name)]
public class TokenCaKeyTests(CaTokenFixture fixture)
{
    [Theory]
    [InlineData(CaKeyType.EcP256)]
    [InlineData(CaKeyType.EcP384)]
    [InlineData(CaKeyType.Rsa3072)]
    public void Issuing_CA_key_on_the_token_signs_certificates_and_crls_openssl_verifies(CaKeyType type)
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP384, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, TokenCaKey.Generate(session.Session, type, "issuing-" + type, id), now);
        try
        {
            Assert.IsType<TokenCaKey>(issuing.Key);
            Assert.Equal(type, issuing.Key.KeyType);
            using X509Certificate2 leaf = TestPki.Leaf(issuing, now);
            AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);

            Crl crl = CrlBuilder.Build(issuing, [new RevokedCertificate(leaf.SerialNumberBytes.ToArray(), now, X509RevocationReason.Superseded)], BigInteger.One, now, now.AddDays(1));
            using var dir = new TempDirectory();
            OpenSslResult result = OpenSsl.Verify(dir.Write("root.pem", root.ExportCertificatePem()), dir.Write("issuing.pem", issuing.ExportCertificatePem()),
                dir.Write("leaf.pem", leaf), "-crl_check", "-CRLfile", dir.Write("crl.pem", crl.ToPem()));
            Assert.Contains("certificate revoked", result.All, StringComparison.Ordinal);

            // The private key stays on the token: sensitive, never extractable, and not exportable through the CA.
            var token = (TokenCaKey)issuing.Key;
            var attributes = session.Session.GetAttributes(token.TokenKey.PrivateKey, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_VALUE);
            Assert.True(attributes[0].AsBool());
            Assert.False(attributes[1].AsBool());
            Assert.False(attributes[2].IsAvailable);
            var e = Assert.Throws<CaException>(() => issuing.ExportKeyPem("password"));
            Assert.Equal(CaError.KeyNotExportable, e.Error);
        }
        finally
        {
            Destroy(session, id);
        }
    }

    [Fact]
    public void Root_on_the_token_is_found_again_by_id_and_keeps_signing()
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        DateTimeOffset now = TestPki.Now;
        try
        {
            string rootPem;
            using (CertificateAuthority created = TestPki.Root(TokenCaKey.Generate(session.Session, CaKeyType.EcP256, "root", id), now))
            {
                rootPem = created.ExportCertificatePem();
            }

            // A later start: the certificate comes from a file, the key from the token.
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(rootPem);
            using CertificateAuthority root = CertificateAuthority.FromCertificate(certificate, TokenCaKey.Open(session.Session, id));
            using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
            using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

            AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);
            using var dir = new TempDirectory();
            Assert.Contains("Signature Algorithm: ecdsa-with-SHA256", OpenSsl.Ok("x509", "-in", dir.Write("root.pem", rootPem), "-noout", "-text"), StringComparison.Ordinal);
        }
        finally
        {
            Destroy(session, id);
        }
    }

    [Fact]
    public void Concurrent_issuance_with_a_token_key_signs_one_at_a_time_and_every_certificate_verifies()
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, TokenCaKey.Generate(session.Session, CaKeyType.EcP256, "concurrent", id), now);
        try
        {
            // One PKCS#11 session, many threads: without serialization the token answers CKR_OPERATION_ACTIVE.
            X509Certificate2[] leaves = new X509Certificate2[32];
            Parallel.For(0, leaves.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                leaves[i] = TestPki.Leaf(issuing, now, i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));

            using var dir = new TempDirectory();
            string rootPem = dir.Write("root.pem", root.ExportCertificatePem());
            string issuingPem = dir.Write("issuing.pem", issuing.ExportCertificatePem());
            foreach (X509Certificate2 leaf in leaves)
            {
                using (leaf)
                {
                    OpenSslResult result = OpenSsl.Verify(rootPem, issuingPem, dir.Write(leaf.SerialNumber + ".pem", leaf));
                    Assert.True(result.ExitCode == 0, result.All);
                }
            }
        }
        finally
        {
            Destroy(session, id);
        }
    }

    [Fact]
    public void Open_with_an_unknown_id_is_key_not_found()
    {
        using TokenSession session = fixture.LoggedIn();

        var e = Assert.Throws<CaException>(() => TokenCaKey.Open(session.Session, RandomNumberGenerator.GetBytes(8)));
        Assert.Equal(CaError.TokenKeyNotFound, e.Error);
    }

    [Fact]
    public void Rsa_2048_token_key_is_not_a_CA_key()
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        TokenKeyPair pair = TokenKeyGenerator.Generate(session.Session, KeySpec.Rsa2048, "rsa2048", id);
        try
        {
            Assert.Equal(CaError.UnsupportedKeyType, Assert.Throws<CaException>(() => new TokenCaKey(pair)).Error);
            Assert.Equal(CaError.UnsupportedKeyType, Assert.Throws<CaException>(() => TokenCaKey.Open(session.Session, id)).Error);
        }
        finally
        {
            Destroy(session, id);
        }
    }

    internal static void Destroy(TokenSession session, byte[] id)
    {
        foreach (ulong handle in session.Session.FindObjects(Kagi.Pkcs11.ObjectAttribute.Bytes(CKA.CKA_ID, id)))
        {
            session.Session.DestroyObject(handle);
        }
    }
}
