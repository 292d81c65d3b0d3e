using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Requests;
using Kagi.Ca.Tests.Authorities;
using Kagi.Ca.Tests.Keys;
using Kagi.Ca.Tests.Support;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Ca.Tests.Issuance;

/// <summary>Requests made on a user's token (SoftHSM2) through Kagi.Tokens, validated and certified.</summary>
[Collection(CaTokenCollection.Name)]
public class TokenCsrIssuanceTests(CaTokenFixture fixture)
{
    [Theory]
    [InlineData(KeySpec.EcP256, false)]
    [InlineData(KeySpec.EcP384, false)]
    [InlineData(KeySpec.Rsa2048, true)]
    public void Request_signed_on_the_token_is_certified_with_the_registration_subject(KeySpec spec, bool pss)
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        TokenKeyPair pair = TokenKeyGenerator.Generate(session.Session, spec, "user-" + spec, id);
        try
        {
            using AsymmetricAlgorithm signer = pair.CreateSigner();
            Assert.True(signer is TokenECDsa or TokenRsa);
            byte[] csr = TestPki.CsrBytes(signer, "CN=Token Owner Says Something Else", pss: pss);

            CsrValidationResult result = CsrValidator.Validate(csr, KeyPolicy.Default);
            Assert.True(result.IsValid, result.Error.ToString());

            DateTimeOffset now = TestPki.Now;
            using CertificateAuthority root = TestPki.Root(CaKeyType.EcP384, now);
            using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
            using X509Certificate2 leaf = CertificateIssuer.Issue(issuing, result.Csr, TestPki.Subject, TestPki.Profile, now, SerialNumbers.New());

            Assert.Equal("SERIALNUMBER=FC000123, CN=YAMADA Taro, OU=Users, O=Kagi Test, C=JP", leaf.Subject);
            Assert.Equal(signer.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.Equal(KeyFingerprint.Of(leaf), result.Csr.Fingerprint);
            AuthorityCreationTests.AssertVerifiedByOpenSsl(root, issuing, leaf);
        }
        finally
        {
            TokenCaKeyTests.Destroy(session, id);
        }
    }
}
