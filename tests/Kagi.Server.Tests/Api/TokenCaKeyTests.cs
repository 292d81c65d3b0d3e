using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Protocol;
using Kagi.Server.Ca;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Server.Tests.Api;

/// <summary>The CA keys on a PKCS#11 token (SoftHSM2): generated there on first start, never in a file.</summary>
[Collection(ServerCollection.Name)]
public class TokenCaKeyTests(TokenPool pool)
{
    [Fact]
    public async Task Server_with_ca_keys_on_a_token_issues_certificates_that_chain_to_its_root()
    {
        Slot caSlot = pool.Lease();
        string caSerial = caSlot.GetTokenInfo().SerialNumber;
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        using var server = new KagiServerFactory(database, extra: new Dictionary<string, string?>
        {
            ["Kagi:Ca:Pkcs11Module"] = SoftHsm.ModulePath,
            ["Kagi:Ca:TokenSerial"] = caSerial,
            ["Kagi:Ca:TokenPin"] = "1234",
        });

        EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(server, pool, "H3001");
        var client = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAndVerifyAsync(client, server.MailDirectory);
        IssuedCertificateResponse issued = await client.RequestCertificateAsync(scenario.NewCsr());

        using X509Certificate2 user = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate));
        using X509Certificate2 issuing = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[0]));
        using X509Certificate2 root = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[1]));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(issuing);
        Assert.True(chain.Build(user), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

        // Both CA private keys are on the token, sensitive and never extractable; no key file was written.
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "ca", "issuing.key.pem")));
        // The server in this process is logged in to the token (login state is per application), so its private
        // objects are visible to this session too; logging out here would log the server out.
        using Session session = caSlot.OpenSession();
        foreach (byte[] id in new[] { CaBootstrap.RootKeyId, CaBootstrap.IssuingKeyId })
        {
            ulong key = session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, id)).Single();
            Assert.False(session.GetAttribute(key, CKA.CKA_EXTRACTABLE).AsBool());
            Assert.True(session.GetAttribute(key, CKA.CKA_SENSITIVE).AsBool());
        }
    }
}
