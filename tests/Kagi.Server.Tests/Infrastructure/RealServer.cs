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
    private readonly WebApplication _app;

    private RealServer(WebApplication app, string url, string dataDirectory, string? clientAuthUrl)
    {
        _app = app;
        Url = url;
        DataDirectory = dataDirectory;
        ClientAuthUrl = clientAuthUrl;
    }

    public string Url { get; }

    /// <summary>The TLS client-authentication listener, when started with one.</summary>
    public string? ClientAuthUrl { get; }

    public IServiceProvider Services => _app.Services;

    public string DataDirectory { get; }

    public string RootPemPath => Path.Combine(DataDirectory, "ca", "root.pem");

    public string OperatorApiKey => File.ReadAllText(Path.Combine(DataDirectory, "operator-api-key.txt")).Trim();

    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    public static async Task<RealServer> StartAsync(ServerDatabase database, bool clientAuth = false)
    {
        string data = Directory.CreateTempSubdirectory("kagi-real-server-").FullName;
        int port = FreePort();
        string? clientAuthUrl = clientAuth ? $"https://127.0.0.1:{FreePort()}" : null;
        WebApplication app = KagiServerHost.Build(
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
        ]);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.EndsWith($":{port}", StringComparison.Ordinal));
        return new RealServer(app, url, data, clientAuthUrl);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
