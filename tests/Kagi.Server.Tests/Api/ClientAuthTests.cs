using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Protocol;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Ca;
using Kagi.Server.ClientAuth;
using Kagi.Server.Hosting;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Api;

/// <summary>One real server (Kestrel, HTTPS, SQLite) with the TLS client-authentication listener, shared by the class.</summary>
public sealed class ClientAuthServer : IAsyncLifetime
{
    private ServerDatabase? _database;

    public RealServer Server { get; private set; } = null!;

    public CaService Ca => Server.Services.GetRequiredService<CaService>();

    public async Task InitializeAsync()
    {
        _database = ServerDatabase.Create("sqlite");
        Server = await RealServer.StartAsync(_database, clientAuth: true);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _database?.Dispose();
    }
}

/// <summary>
/// GET /whoami on the client-authentication listener with real certificates (software keys) over real TLS: our
/// CA's clientAuth certificate logs in until it is revoked; a foreign CA, a missing certificate and a certificate
/// without clientAuth fail the handshake; a certificate this CA never recorded is refused.
/// </summary>
public sealed class ClientAuthTests(ClientAuthServer fixture) : IClassFixture<ClientAuthServer>
{
    private RealServer Server => fixture.Server;

    [Fact]
    public async Task Our_client_certificate_logs_in_until_the_operator_revokes_it()
    {
        using X509Certificate2 certificate = await IssueAndRecordAsync("Taro Yamada", "A1B2");
        using (HttpClient client = Client(certificate))
        {
            WhoAmIResponse? me = await client.GetFromJsonAsync<WhoAmIResponse>("whoami");
            Assert.NotNull(me);
            Assert.Equal("Taro Yamada", me.CommonName);
            Assert.Equal("FCA1B2", me.CertificateId);
            Assert.Equal(certificate.SerialNumber, me.SerialNumber);
            Assert.Equal(certificate.Subject, me.Subject);
            Assert.Equal(fixture.Ca.Issuing.Certificate.Subject, me.Issuer);
        }

        var admin = new KagiApiClient(MainClient()) { ApiKey = Server.OperatorApiKey };
        await admin.RevokeAsync(certificate.SerialNumber, "keyCompromise");

        using (HttpClient client = Client(certificate))
        {
            HttpResponseMessage refused = await client.GetAsync("whoami");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            JsonElement problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("client-certificate-revoked", problem.GetProperty("code").GetString());
            Assert.Equal(certificate.SerialNumber, problem.GetProperty("serialNumber").GetString());
        }
    }

    [Fact]
    public async Task A_certificate_from_another_CA_with_the_same_names_fails_the_handshake()
    {
        // A different root and issuing CA that copy our CA names: only the keys differ.
        DateTimeOffset now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using CertificateAuthority root = CertificateAuthority.CreateRoot(SoftwareCaKey.Create(CaKeyType.EcP256), new AuthorityProfile(fixture.Ca.Root.SubjectName, TimeSpan.FromDays(30), 1), now);
        using CertificateAuthority issuing = CertificateAuthority.CreateIssuing(root, SoftwareCaKey.Create(CaKeyType.EcP256), new AuthorityProfile(fixture.Ca.Issuing.Name, TimeSpan.FromDays(30), 0), now);
        using X509Certificate2 foreign = Sign(issuing.Certificate, issuing.Key.SignatureGenerator, "CN=Taro Yamada", ClientCertificateValidator.ClientAuthenticationOid);

        using HttpClient client = Client(foreign);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("whoami"));
        Assert.Equal(ClientCertificateCheck.Untrusted, fixture.Server.Services.GetRequiredService<ClientCertificateValidator>().Check(foreign));
    }

    [Fact]
    public async Task No_client_certificate_fails_the_handshake()
    {
        using HttpClient client = Client(null);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("whoami"));
    }

    [Fact]
    public async Task A_certificate_of_our_CA_without_clientAuth_fails_the_handshake()
    {
        // The server's own TLS certificate: issued by our issuing CA, for serverAuth only.
        using X509Certificate2 tls = TlsCertificate.Create(fixture.Ca, "https://127.0.0.1", null, null, DateTimeOffset.UtcNow);
        Assert.Equal(ClientCertificateCheck.NotForClientAuthentication, fixture.Server.Services.GetRequiredService<ClientCertificateValidator>().Check(tls));

        using HttpClient client = Client(tls);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("whoami"));
    }

    [Fact]
    public async Task A_clientAuth_certificate_this_CA_has_no_record_of_is_refused()
    {
        using X509Certificate2 unrecorded = Sign(fixture.Ca.Issuing.Certificate, fixture.Ca.Issuing.Key.SignatureGenerator, "CN=Nobody, SERIALNUMBER=FC99", ClientCertificateValidator.ClientAuthenticationOid);

        using HttpClient client = Client(unrecorded);
        HttpResponseMessage refused = await client.GetAsync("whoami");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("client-certificate-unknown", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Whoami_answers_only_on_its_listener_and_nothing_else_answers_there()
    {
        using X509Certificate2 certificate = await IssueAndRecordAsync("Jiro Sato", "C3D4");
        using HttpClient clientAuth = Client(certificate);
        HttpResponseMessage other = await clientAuth.GetAsync("pki/root.pem");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        using HttpClient main = MainClient();
        Assert.Equal(HttpStatusCode.NotFound, (await main.GetAsync("whoami")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync("pki/root.pem")).StatusCode);
    }

    [Fact]
    public void The_listener_url_must_be_https_with_a_port_of_its_own()
    {
        Assert.Equal(("https://127.0.0.1:8443;https://127.0.0.1:8444", 8444), ClientAuthListener.AddTo("https://127.0.0.1:8443", "https://127.0.0.1:8444"));
        Assert.Throws<InvalidOperationException>(() => ClientAuthListener.AddTo("https://127.0.0.1:8443", "http://127.0.0.1:8444"));
        Assert.Throws<InvalidOperationException>(() => ClientAuthListener.AddTo("https://127.0.0.1:8443", "https://127.0.0.1:8443"));
        Assert.Throws<InvalidOperationException>(() => ClientAuthListener.AddTo("https://127.0.0.1:8443", "https://127.0.0.1:8444/whoami"));
        Assert.Throws<InvalidOperationException>(() => ClientAuthListener.AddTo(null, "https://127.0.0.1:8444"));
    }

    [Fact]
    public void An_expired_certificate_of_our_CA_is_untrusted()
    {
        using X509Certificate2 expired = Sign(fixture.Ca.Issuing.Certificate, fixture.Ca.Issuing.Key.SignatureGenerator, "CN=Old", ClientCertificateValidator.ClientAuthenticationOid,
            DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Equal(ClientCertificateCheck.Untrusted, fixture.Server.Services.GetRequiredService<ClientCertificateValidator>().Check(expired));
    }

    private Task<X509Certificate2> IssueAndRecordAsync(string name, string id) => ClientCertificates.IssueAndRecordAsync(fixture.Ca, Server.Services, name, id);

    private static X509Certificate2 Sign(X509Certificate2 issuer, X509SignatureGenerator generator, string subject, string eku,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using X509Certificate2 issued = request.Create(issuer.SubjectName, generator, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1),
            notAfter ?? DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return ClientCertificates.WithKey(issued, key);
    }

    private HttpClient Client(X509Certificate2? certificate) => ClientCertificates.Client(Server.ClientAuthUrl!, certificate, TrustOurRoot);

    private HttpClient MainClient() => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TrustOurRoot },
    }) { BaseAddress = new Uri(Server.Url + "/") };

    private bool TrustOurRoot(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        using var ours = new X509Chain();
        ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        ours.ChainPolicy.CustomTrustStore.Add(fixture.Ca.Root);
        ours.ChainPolicy.ExtraStore.Add(fixture.Ca.Issuing.Certificate);
        ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return ours.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
