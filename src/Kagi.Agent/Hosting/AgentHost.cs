using System.Net;
using Kagi.Agent.Api;
using Kagi.Agent.Devices;
using Kagi.Agent.Security;
using Kagi.Agent.Ui;
using Kagi.Agent.Wizard;
using Kagi.Tokens.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kagi.Agent.Hosting;

/// <summary>Builds and starts the agent: Kestrel on 127.0.0.1 only, the guard, the WebSocket API and the web UI.</summary>
public static class AgentHost
{
    /// <summary>
    /// Starts the agent and returns it running. The port is bound before anything else is created, so with
    /// <see cref="AgentOptions.Port"/> 0 the chosen port is known to every service.
    /// </summary>
    /// <exception cref="IOException">The port is in use.</exception>
    /// <exception cref="Kagi.Tokens.KagiException">The PKCS#11 module could not be opened.</exception>
    public static async Task<RunningAgent> StartAsync(AgentOptions options, KagiSettings settings, CancellationToken ct = default)
    {
        int port = options.Port == 0 ? FreePort() : options.Port;
        var origins = new AgentOrigins(port, options.AllowedOrigins);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 64 * 1024;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(origins);
        builder.Services.AddSingleton(new RunToken());
        builder.Services.AddSingleton(_ => new DeviceHub(settings));
        builder.Services.AddSingleton<WizardLauncher>();
        builder.Services.AddSingleton<WizardStore>();
        builder.Services.AddSingleton<LoginSessions>();
        builder.Services.AddSingleton<PinAttempts>();
        builder.Services.AddSingleton(new ServerClientFactory(options.ServerUrl, options.ServerCaFile));
        builder.Services.AddHostedService<DevicePoller>();

        WebApplication app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseMiddleware<LoopbackGuard>();
        app.MapWebSocketApi();
        app.MapAgentUi();
        await app.Services.GetRequiredService<DeviceHub>().PollAsync(ct);
        await app.StartAsync(ct);
        return new RunningAgent(app, origins);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A started agent; dispose to stop it.</summary>
public sealed class RunningAgent(WebApplication app, AgentOrigins origins) : IAsyncDisposable
{
    /// <summary>The agent's own origin (http://127.0.0.1:port).</summary>
    public string Url => origins.Own;

    /// <summary>Completes when the agent stops (Ctrl+C or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app, ct);

    /// <summary>Stops the agent and closes the modules.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
