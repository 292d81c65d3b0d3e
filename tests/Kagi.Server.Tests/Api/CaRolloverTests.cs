using System.Net;
using System.Security.Cryptography.X509Certificates;
using Kagi.Protocol;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// CA rollover across two instances on one database (sharing the CA folder): a certificate under CA1, rollover, a
/// certificate under CA2, both revoked, each CRL signed by its own CA and listing only its own serial; a restart keeps
/// the set; a retired CA whose certificates have all expired stops publishing.
/// </summary>
[Collection(ServerCollection.Name)]
public class CaRolloverTests(TokenPool pool)
{
    private const string Admin = "/api/v1/admin";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Rollover_keeps_the_old_ca_publishing_its_own_crl_and_the_new_ca_issues(string provider)
    {
        using ServerDatabase database = ServerDatabase.Create(provider);
        string dataDirectory;
        string secret;
        string dir = Directory.CreateTempSubdirectory("kagi-rollover-").FullName;
        string id1, id2, serial1, serial2;
        using (var first = new KagiServerFactory(database))
        using (var second = new KagiServerFactory(database, first.DataDirectory, first.SecretKey))
        {
            dataDirectory = first.DataDirectory;
            secret = first.SecretKey;
            var adminA = new KagiApiClient(first.CreateClient()) { ApiKey = first.OperatorApiKey };
            var adminB = new KagiApiClient(second.CreateClient()) { ApiKey = first.OperatorApiKey };
            File.WriteAllText(Path.Combine(dir, "root.pem"), await first.CreateClient().GetStringAsync("/pki/root.pem"));

            // Certificate 1 under CA1 (instance A).
            EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(first, pool, "CR" + provider.Length);
            var client = new KagiApiClient(first.CreateClient());
            await scenario.AuthenticateAndVerifyAsync(client, first.MailDirectory);
            IssuedCertificateResponse issued1 = await client.RequestCertificateAsync(scenario.NewCsr());
            CaDto ca1 = Assert.Single(await adminA.ListCasAsync());
            Assert.Equal(("active", 1), (ca1.Status, ca1.Generation));
            id1 = ca1.IssuerId;

            // Refused rollovers change nothing (and the API key is checked before the body is read).
            await Problem.AssertAsync(await SendAsync(first, "{not json", null), HttpStatusCode.Unauthorized, "unauthorized");
            foreach (string bad in new[]
            {
                "{\"keyType\":\"dsa1024\"}", "{\"keyType\":\"1\"}", "{\"validityYears\":0}", "{\"validityYears\":31}",
                "{\"subject\":\"<script>\"}", "{\"subject\":\"O=No Common Name\"}", "{\"subject\":\"CN=x\\u0000y\"}", "{\"subject\":\"not a name\"}",
            })
            {
                await Problem.AssertAsync(await SendAsync(first, bad, first.OperatorApiKey), HttpStatusCode.BadRequest, "validation-failed", bad);
            }

            await Problem.AssertAsync(await SendAsync(first, "{\"keyType\":", first.OperatorApiKey), HttpStatusCode.BadRequest, "malformed-request");
            Assert.Single(await adminB.ListCasAsync());

            // Rollover on A; B sees it on its next request (it checks the database's active generation).
            CaDto ca2 = await adminA.RolloverCaAsync(new CaRolloverRequest("ecP384", 5, "CN=Kagi Test Issuing CA G2, O=Kagi, C=JP"));
            id2 = ca2.IssuerId;
            Assert.NotEqual(id1, id2);
            Assert.Equal(("active", 2, "CN=Kagi Test Issuing CA G2, O=Kagi, C=JP"), (ca2.Status, ca2.Generation, ca2.Subject));
            CaDto[] seenByB = await adminB.ListCasAsync();
            Assert.Equal([(id2, "active"), (id1, "retired")], seenByB.Select(c => (c.IssuerId, c.Status)));
            Assert.Equal(issued1.NotAfter, seenByB[1].LastCertificateNotAfter);
            using X509Certificate2 ca1Certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ca1.Certificate));
            using X509Certificate2 ca2Certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ca2.Certificate));
            Assert.Equal(384, ca2Certificate.GetECDsaPublicKey()!.KeySize);

            // Certificate 2 on B (the order is reopened): signed by CA2, chain CA2 + root.
            AssignmentDto assignment = (await adminB.ListAssignmentsAsync()).Single(a => a.Serial == scenario.Serial);
            await adminB.ReopenOrderAsync(assignment.CertificateId);
            var clientB = new KagiApiClient(second.CreateClient()) { Ticket = client.Ticket }; // the instances share the ticket key
            IssuedCertificateResponse issued2 = await clientB.RequestCertificateAsync(scenario.NewCsr());
            serial1 = issued1.SerialNumber;
            serial2 = issued2.SerialNumber;
            using X509Certificate2 user1 = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued1.Certificate));
            using X509Certificate2 user2 = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued2.Certificate));
            Assert.Equal(ca1Certificate.RawData, Convert.FromBase64String(issued1.Chain[0]));
            Assert.Equal(ca2Certificate.RawData, Convert.FromBase64String(issued2.Chain[0]));
            Assert.Equal(ca2Certificate.Subject, user2.Issuer);
            Assert.Contains($"/pki/{id2}.crl", CrlDistributionPoint(user2), StringComparison.Ordinal);
            Assert.Contains($"/pki/{id1}.crl", CrlDistributionPoint(user1), StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(dir, "ca1.pem"), ca1Certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "ca2.pem"), ca2Certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "user1.pem"), user1.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "user2.pem"), user2.ExportCertificatePem());
            Assert.Contains("user1.pem: OK", EnrollmentFlowTests.OpenSsl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "ca1.pem", "user1.pem"), StringComparison.Ordinal);
            Assert.Contains("user2.pem: OK", EnrollmentFlowTests.OpenSsl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "ca2.pem", "user2.pem"), StringComparison.Ordinal);
            Assert.Contains("ca2.pem: OK", EnrollmentFlowTests.OpenSsl(dir, "verify", "-CAfile", "root.pem", "ca2.pem"), StringComparison.Ordinal);
            // Each certificate verifies only with its own CA.
            Assert.Contains("error", EnrollmentFlowTests.OpenSsl(dir, true, "verify", "-CAfile", "root.pem", "-untrusted", "ca2.pem", "user1.pem"), StringComparison.Ordinal);

            // Both CA certificates are published (AIA); revoke certificate 1 on B and certificate 2 on A.
            Assert.Equal(ca1Certificate.RawData, await second.CreateClient().GetByteArrayAsync($"/pki/{id1}.cer"));
            Assert.Equal(ca2Certificate.RawData, await first.CreateClient().GetByteArrayAsync($"/pki/{id2}.cer"));
            await adminB.RevokeAsync(serial1, "keyCompromise");
            await adminA.RevokeAsync(serial2, "superseded");

            // Each CRL is signed by its own CA and lists only its own serial; openssl rejects each revoked certificate.
            await CheckCrlAsync(first, dir, id1, "ca1.pem", "user1.pem", serial1, serial2);
            await CheckCrlAsync(second, dir, id2, "ca2.pem", "user2.pem", serial2, serial1);

            // Publish now: both CAs publish (CA1 has an unexpired certificate); CRL numbers run per CA.
            CrlPublicationDto[] published = await adminB.PublishCrlsAsync();
            Assert.Equal([id2, id1], published.Select(p => p.IssuerId));
            long number1 = published[1].Number;
            CrlPublicationDto[] again = await adminA.PublishCrlsAsync();
            Assert.Equal([published[0].Number + 1, number1 + 1], again.Select(p => p.Number));
        }

        // Restart: a new instance on the same folder and database has the same set, CA2 active.
        using (var restarted = new KagiServerFactory(database, dataDirectory, secret))
        {
            var admin = new KagiApiClient(restarted.CreateClient()) { ApiKey = restarted.OperatorApiKey };
            Assert.Equal([(id2, "active"), (id1, "retired")], (await admin.ListCasAsync()).Select(c => (c.IssuerId, c.Status)));
            await CheckCrlAsync(restarted, dir, id1, "ca1.pem", "user1.pem", serial1, serial2);

            // Once CA1's last certificate has expired (made so in the database), it stops publishing its CRL.
            await using (KagiDbContext db = KagiDatabase.CreateContext(database.Provider, database.ConnectionString))
            {
                await db.IssuedCertificates.Where(c => c.IssuerCaId == id1)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.NotAfter, DateTimeOffset.UtcNow.AddMinutes(-1)));
            }

            Assert.Equal([(id2, "active"), (id1, "ended")], (await admin.ListCasAsync()).Select(c => (c.IssuerId, c.Status)));
            using (HttpResponseMessage gone = await restarted.CreateClient().GetAsync($"/pki/{id1}.crl"))
            {
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            }

            Assert.Equal([id2], (await admin.PublishCrlsAsync()).Select(p => p.IssuerId));

            // The rollover and the publications are audited, and the chain is intact.
            await using (KagiDbContext db = KagiDatabase.CreateContext(database.Provider, database.ConnectionString))
            {
                Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.CaRolledOver && e.Subject == "ca:" + id2));
                Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.CrlPublished));
            }

            Assert.True((await admin.VerifyAuditAsync()).Ok);
        }

        Directory.Delete(dir, recursive: true);
    }

    private static async Task CheckCrlAsync(KagiServerFactory server, string dir, string issuerId, string caFile, string userFile, string listed, string notListed)
    {
        string der = Path.Combine(dir, issuerId + ".crl.der");
        File.WriteAllBytes(der, await server.CreateClient().GetByteArrayAsync($"/pki/{issuerId}.crl"));
        // The signature is checked with the CA's public key ("verify OK"); with the other CA it fails.
        string text = EnrollmentFlowTests.OpenSsl(dir, "crl", "-inform", "DER", "-in", der, "-CAfile", caFile, "-noout", "-text");
        Assert.Contains("verify OK", text, StringComparison.Ordinal);
        string serials = text.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        Assert.Contains(listed, serials, StringComparison.Ordinal);
        Assert.DoesNotContain(notListed, serials, StringComparison.Ordinal);
        string other = caFile == "ca1.pem" ? "ca2.pem" : "ca1.pem";
        Assert.DoesNotContain("verify OK", EnrollmentFlowTests.OpenSsl(dir, true, "crl", "-inform", "DER", "-in", der, "-CAfile", other, "-noout"), StringComparison.Ordinal);

        string pem = Path.Combine(dir, issuerId + ".crl.pem");
        EnrollmentFlowTests.OpenSsl(dir, "crl", "-inform", "DER", "-in", der, "-out", pem);
        string revoked = EnrollmentFlowTests.OpenSsl(dir, true, "verify", "-crl_check", "-CAfile", "root.pem", "-untrusted", caFile, "-CRLfile", pem, userFile);
        Assert.Contains("certificate revoked", revoked, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(KagiServerFactory server, string json, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Admin}/ca/rollover") { Content = ApiServer.Json(json) };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", apiKey);
        }

        return server.CreateClient().SendAsync(request);
    }

    private static string CrlDistributionPoint(X509Certificate2 certificate) =>
        System.Text.Encoding.ASCII.GetString(certificate.Extensions.Single(e => e.Oid!.Value == "2.5.29.31").RawData);
}
