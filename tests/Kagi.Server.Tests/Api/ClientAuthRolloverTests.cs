using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kagi.Protocol;
using Kagi.Server.Ca;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The client-authentication listener follows a CA rollover made by another instance on the same database: without
/// a request of its own it re-reads the CA set (Kagi:Ca:RefreshSeconds), so certificates of the new issuing CA log
/// in, and those of the retired CA still do.
/// </summary>
public sealed class ClientAuthRolloverTests
{
    [Fact]
    public async Task Certificates_of_a_ca_another_instance_rolled_over_to_log_in_without_a_restart()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database, clientAuth: true, "--Kagi:Ca:RefreshSeconds=1");
        CaService ownCa = server.Services.GetRequiredService<CaService>();
        X509Certificate2 root = ownCa.Root;
        X509Certificate2 firstIssuing = ownCa.Issuing.Certificate; // signed the listener's TLS certificate
        using X509Certificate2 beforeRollover = await ClientCertificates.IssueAndRecordAsync(ownCa, server.Services, "Hanako Sato", "B001");

        using var other = new KagiServerFactory(database, server.DataDirectory, server.SecretKey);
        var admin = new KagiApiClient(other.CreateClient()) { ApiKey = server.OperatorApiKey };
        CaDto next = await admin.RolloverCaAsync(new CaRolloverRequest("ecP256", 5, "CN=Kagi Test Issuing CA G2, O=Kagi, C=JP"));
        CaService otherCa = other.Services.GetRequiredService<CaService>();
        Assert.Equal(next.IssuerId, otherCa.IssuerId);
        using X509Certificate2 afterRollover = await ClientCertificates.IssueAndRecordAsync(otherCa, other.Services, "Jiro Suzuki", "B002");
        Assert.Equal("CN=Kagi Test Issuing CA G2, O=Kagi, C=JP", afterRollover.Issuer);

        bool TrustServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            using var ours = new X509Chain();
            ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            ours.ChainPolicy.CustomTrustStore.Add(root);
            ours.ChainPolicy.ExtraStore.Add(firstIssuing);
            ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && ours.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        }

        // This instance handles no request in between: only its periodic refresh can make it trust the new CA.
        WhoAmIResponse? me = null;
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (me is null && DateTime.UtcNow < deadline)
        {
            using HttpClient client = ClientCertificates.Client(server.ClientAuthUrl!, afterRollover, TrustServer);
            try
            {
                me = await client.GetFromJsonAsync<WhoAmIResponse>("whoami");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250); // handshake refused: the new CA is not trusted here yet
            }
        }

        Assert.NotNull(me);
        Assert.Equal(("Jiro Suzuki", afterRollover.SerialNumber), (me.CommonName, me.SerialNumber));

        using HttpClient old = ClientCertificates.Client(server.ClientAuthUrl!, beforeRollover, TrustServer);
        HttpResponseMessage oldLogin = await old.GetAsync("whoami");
        Assert.Equal(HttpStatusCode.OK, oldLogin.StatusCode);
    }
}
