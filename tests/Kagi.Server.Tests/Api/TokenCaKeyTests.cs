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
    public async Task Server_with_ca_keys_on_a_token_issues_certificates_that_chain_to_its_root_and_rolls_over_on_the_token()
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

        // Rollover in token mode: the new issuing key is generated on the token (CKA_ID kagi-issuing-ca-<random>),
        // the next certificate chains to the new CA, and still no key file is written.
        var admin = new KagiApiClient(server.CreateClient()) { ApiKey = server.OperatorApiKey };
        CaDto next = await admin.RolloverCaAsync(new CaRolloverRequest(Subject: "CN=Kagi Token Issuing CA G2, O=Kagi, C=JP"));
        Assert.Equal(2, next.Generation);
        AssignmentDto assignment = (await admin.ListAssignmentsAsync()).Single(a => a.Serial == scenario.Serial);
        await admin.ReopenOrderAsync(assignment.CertificateId);
        IssuedCertificateResponse second = await client.RequestCertificateAsync(scenario.NewCsr());
        using X509Certificate2 user2 = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(second.Certificate));
        using X509Certificate2 issuing2 = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(second.Chain[0]));
        Assert.Equal(Convert.FromBase64String(next.Certificate), issuing2.RawData);
        using var chain2 = new X509Chain();
        chain2.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain2.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain2.ChainPolicy.CustomTrustStore.Add(root);
        chain2.ChainPolicy.ExtraStore.Add(issuing2);
        Assert.True(chain2.Build(user2), string.Join(", ", chain2.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(issuing2.Subject, user2.Issuer);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDirectory, "ca"), "*.key.pem"));

        var issuingKeys = session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY))
            .Where(k => System.Text.Encoding.ASCII.GetString(session.GetAttribute(k, CKA.CKA_ID).AsBytes()).StartsWith("kagi-issuing-ca-", StringComparison.Ordinal))
            .ToList();
        ulong newKey = Assert.Single(issuingKeys);
        Assert.False(session.GetAttribute(newKey, CKA.CKA_EXTRACTABLE).AsBool());
        Assert.True(session.GetAttribute(newKey, CKA.CKA_SENSITIVE).AsBool());

        // The old CA still publishes its CRL (it has an unexpired certificate), signed with its key on the token.
        byte[] crl = await server.CreateClient().GetByteArrayAsync($"/pki/{Convert.ToHexString(issuing.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.Span)}.crl");
        string dir = Directory.CreateTempSubdirectory("kagi-token-crl-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "crl.der"), crl);
        File.WriteAllText(Path.Combine(dir, "ca1.pem"), issuing.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "ca2.pem"), issuing2.ExportCertificatePem());
        Assert.Contains("verify OK", EnrollmentFlowTests.OpenSsl(dir, "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "ca1.pem", "-noout"), StringComparison.Ordinal);
        Assert.DoesNotContain("verify OK", EnrollmentFlowTests.OpenSsl(dir, true, "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "ca2.pem", "-noout"), StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }
}
