using System.Net;
using System.Net.Http.Json;
using Kagi.Protocol;
using Kagi.Registry.Data;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>Two server instances on one PostgreSQL database (sharing the CA folder and the secret key).</summary>
[Collection(ServerCollection.Name)]
public class MultiInstanceTests(TokenPool pool)
{
    [Fact]
    public async Task Two_instances_started_together_share_one_ca_and_issue_one_certificate_per_order()
    {
        using ServerDatabase database = ServerDatabase.Create("postgres");
        using var first = new KagiServerFactory(database);
        using var second = new KagiServerFactory(database, first.DataDirectory, first.SecretKey);

        // Start both at once: migrations and CA creation must not collide.
        HttpClient[] clients = await Task.WhenAll(Task.Run(first.CreateClient), Task.Run(second.CreateClient));
        Assert.Equal(await clients[0].GetStringAsync("/pki/root.pem"), await clients[1].GetStringAsync("/pki/root.pem"));

        EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(first, pool, "M2001");
        string ticket = await scenario.AuthenticateAndVerifyAsync(new KagiApiClient(first.CreateClient()), first.MailDirectory);
        byte[] csr = scenario.NewCsr();

        // The same CSR sent to both instances at the same time: one certificate, returned by both.
        Task<HttpResponseMessage> Post(HttpClient client, byte[] request)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/enrollment/certificate")
            {
                Content = JsonContent.Create(new CertificateSigningRequest(Convert.ToBase64String(request))),
            };
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ticket);
            return client.SendAsync(message);
        }

        HttpResponseMessage[] same = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Post(clients[i % 2], csr)));
        Assert.All(same, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        string[] certificates = await Task.WhenAll(same.Select(async r => (await r.Content.ReadFromJsonAsync<IssuedCertificateResponse>())!.Certificate));
        Assert.Single(certificates.Distinct());

        // A different CSR for the issued order is refused by either instance.
        HttpResponseMessage other = await Post(clients[1], scenario.NewCsr());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);

        await using KagiDbContext db = KagiDatabase.CreateContext("postgres", database.ConnectionString);
        Assert.Equal(1, await db.IssuedCertificates.CountAsync());
    }

    [Fact]
    public async Task Different_csrs_racing_for_one_order_get_exactly_one_certificate()
    {
        using ServerDatabase database = ServerDatabase.Create("postgres");
        using var first = new KagiServerFactory(database);
        using var second = new KagiServerFactory(database, first.DataDirectory, first.SecretKey);
        HttpClient[] clients = [first.CreateClient(), second.CreateClient()];
        EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(first, pool, "M2002");
        string ticket = await scenario.AuthenticateAndVerifyAsync(new KagiApiClient(clients[0]), first.MailDirectory);
        byte[][] csrs = [scenario.NewCsr(), scenario.NewCsr(), scenario.NewCsr(), scenario.NewCsr()];

        HttpResponseMessage[] responses = await Task.WhenAll(csrs.Select((csr, i) =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/enrollment/certificate")
            {
                Content = JsonContent.Create(new CertificateSigningRequest(Convert.ToBase64String(csr))),
            };
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ticket);
            return clients[i % 2].SendAsync(message);
        }));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await using KagiDbContext db = KagiDatabase.CreateContext("postgres", database.ConnectionString);
        Assert.Equal(1, await db.IssuedCertificates.CountAsync());
    }
}
