using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Tests.Service;

/// <summary>CSRs and certificates signed on the token through X509SignatureGenerator, verified against the public key.</summary>
[Collection(TokenServiceCollection.Name)]
public class TokenSignerTests(TokenServiceFixture fixture)
{
    [Theory]
    [InlineData(KeySpec.EcP256, "SHA256", false)]
    [InlineData(KeySpec.EcP384, "SHA384", false)]
    [InlineData(KeySpec.Rsa2048, "SHA256", false)]
    [InlineData(KeySpec.Rsa2048, "SHA256", true)]
    public void Csr_signed_on_the_token_verifies_and_the_private_key_stays_on_it(KeySpec spec, string hash, bool pss)
    {
        using TokenSession session = fixture.LoggedIn();
        TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, spec, "csr-" + spec, RandomNumberGenerator.GetBytes(8));
        try
        {
            var hashName = new HashAlgorithmName(hash);
            using AsymmetricAlgorithm signer = key.CreateSigner();
            CertificateRequest request = signer switch
            {
                ECDsa ec => new CertificateRequest("CN=Token CSR", ec, hashName),
                RSA rsa => new CertificateRequest("CN=Token CSR", rsa, hashName, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                _ => throw new InvalidOperationException(),
            };
            byte[] csr = request.CreateSigningRequest();

            // LoadSigningRequest verifies the CSR's signature with the public key inside it.
            CertificateRequest loaded = CertificateRequest.LoadSigningRequest(
                csr, hashName, CertificateRequestLoadOptions.Default, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            Assert.Equal("CN=Token CSR", loaded.SubjectName.Name);
            byte[] expectedKey = spec is KeySpec.EcP256 or KeySpec.EcP384
                ? ECDsa.Create(key.EcPublicParameters()).ExportSubjectPublicKeyInfo()
                : RSA.Create(key.RsaPublicParameters()).ExportSubjectPublicKeyInfo();
            Assert.Equal(expectedKey, loaded.PublicKey.ExportSubjectPublicKeyInfo());

            // A self-signed certificate made with the token key verifies with its own public key.
            X509SignatureGenerator generator = signer is ECDsa ecSigner
                ? X509SignatureGenerator.CreateForECDsa(ecSigner)
                : X509SignatureGenerator.CreateForRSA((RSA)signer, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            using X509Certificate2 self = request.Create(request.SubjectName, generator, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [0x01, 0x02]);
            using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
            chain.ChainPolicy.CustomTrustStore.Add(self);
            Assert.True(chain.Build(self), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

            var attributes = session.Session.GetAttributes(key.PrivateKey, Pkcs11.Interop.CKA.CKA_SENSITIVE, Pkcs11.Interop.CKA.CKA_EXTRACTABLE, Pkcs11.Interop.CKA.CKA_VALUE, Pkcs11.Interop.CKA.CKA_PRIVATE_EXPONENT);
            Assert.True(attributes[0].AsBool());
            Assert.False(attributes[1].AsBool());
            Assert.False(attributes[2].IsAvailable);
            Assert.False(attributes[3].IsAvailable);
            Assert.Throws<CryptographicException>(() => signer is ECDsa e ? e.ExportParameters(true).D : ((RSA)signer).ExportParameters(true).D);
        }
        finally
        {
            session.Session.DestroyObject(key.PrivateKey);
            session.Session.DestroyObject(key.PublicKey);
        }
    }
}
