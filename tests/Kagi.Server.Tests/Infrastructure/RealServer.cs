using System.Security.Cryptography;
using Kagi.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>The server on real Kestrel with HTTPS on 127.0.0.1 and a free port, for clients in other processes.</summary>
public sealed class RealServer : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly TimeProvider? _time;
    private WebApplication? _app;

    private RealServer(WebApplication app, string[] args, TimeProvider? time, string url, string dataDirectory, string? clientAuthUrl)
    {
        _app = app;
        _args = args;
        _time = time;
        Url = url;
        DataDirectory = dataDirectory;
        ClientAuthUrl = clientAuthUrl;
    }

    /// <summary>The running server's services (e.g. to read the registry in assertions).</summary>
    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("The server is stopped.")).Services;

    public string Url { get; }

    /// <summary>The TLS client-authentication listener, when started with one.</summary>
    public string? ClientAuthUrl { get; }

    public string DataDirectory { get; }

    /// <summary>The server's secret (ticket and encryption keys), for a second instance on the same data.</summary>
    public string SecretKey => _args.Single(a => a.StartsWith("--Kagi:SecretKey=", StringComparison.Ordinal))["--Kagi:SecretKey=".Length..];

    public string RootPemPath => Path.Combine(DataDirectory, "ca", "root.pem");

    public string OperatorApiKey => File.ReadAllText(Path.Combine(DataDirectory, "operator-api-key.txt")).Trim();

    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    public static Task<RealServer> StartAsync(ServerDatabase database, params string[] extraArgs) => StartAsync(database, clientAuth: false, time: null, extraArgs);

    public static Task<RealServer> StartAsync(ServerDatabase database, bool clientAuth, params string[] extraArgs) => StartAsync(database, clientAuth, time: null, extraArgs);

    /// <summary>A server whose clock is <paramref name="time"/> (e.g. the tests' AdjustableClock) instead of the system clock.</summary>
    public static Task<RealServer> StartAsync(ServerDatabase database, TimeProvider time, params string[] extraArgs) => StartAsync(database, clientAuth: false, time, extraArgs);

    private static async Task<RealServer> StartAsync(ServerDatabase database, bool clientAuth, TimeProvider? time, string[] extraArgs)
    {
        string data = Directory.CreateTempSubdirectory("kagi-real-server-").FullName;
        int port = FreePort();
        string? clientAuthUrl = clientAuth ? $"https://127.0.0.1:{FreePort()}" : null;
        string[] args =
        [
            .. (clientAuthUrl is null ? Array.Empty<string>() : new[] { $"--Kagi:ClientAuth:Url={clientAuthUrl}" }),
            "--urls", $"https://127.0.0.1:{port}",
            $"--Kagi:DataDirectory={data}",
            $"--Kagi:DatabaseProvider={database.Provider}",
            $"--Kagi:ConnectionString={database.ConnectionString}",
            $"--Kagi:SecretKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            $"--Kagi:PublicOrigin=https://127.0.0.1:{port}",
            "--Kagi:StoragePin:Iterations=1000",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        WebApplication app = Build(args, time);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.EndsWith($":{port}", StringComparison.Ordinal));
        return new RealServer(app, args, time, url, data, clientAuthUrl);
    }

    private static WebApplication Build(string[] args, TimeProvider? time) =>
        KagiServerHost.Build(args, time is null ? null : builder => builder.Services.AddSingleton(time));

    /// <summary>An operator API client over HTTPS that trusts the server's root CA.</summary>
    public Kagi.Protocol.KagiApiClient CreateAdminClient()
    {
        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        roots.ImportFromPemFile(RootPemPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, sent, _) =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            if (sent is not null)
            {
                foreach (System.Security.Cryptography.X509Certificates.X509ChainElement element in sent.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            return certificate is not null && chain.Build(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        return new Kagi.Protocol.KagiApiClient(new HttpClient(handler) { BaseAddress = new Uri(Url.TrimEnd('/') + "/") }) { ApiKey = OperatorApiKey };
    }

    /// <summary>Stops the server: the port refuses connections until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Starts the server again on the same port, data folder, secret and database.</summary>
    public async Task StartAgainAsync()
    {
        WebApplication app = Build(_args, _time);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>
    /// A loopback port reserved for this test process (see <see cref="LoopbackPorts"/>): Kestrel binds it only after the
    /// server is built, and again after a stop, and meanwhile no other test, here or in another test process, and no
    /// bind(0) anywhere can take it; a server started meanwhile by a parallel test never gets it, so two tests never
    /// talk to each other's server.
    /// </summary>
    private static int FreePort() => LoopbackPorts.Reserve();

    public async ValueTask DisposeAsync() => await StopAsync();
}
