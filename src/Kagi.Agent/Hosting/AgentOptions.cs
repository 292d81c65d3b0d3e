namespace Kagi.Agent.Hosting;

/// <summary>How a <c>kagi agent</c> run is configured (command line, environment, configuration file).</summary>
public sealed record AgentOptions
{
    /// <summary>The documented default port: http://127.0.0.1:47110/.</summary>
    public const int DefaultPort = 47110;

    /// <summary>Largest WebSocket message the agent reads, in bytes; larger ones get a <c>too-large</c> error.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Origins (scheme://host[:port]) of the CA portals allowed to open the WebSocket API. The agent's own origin is
    /// always allowed and needs no entry.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>The Kagi server's URL (KAGI_SERVER) for the storage wizard; null when not configured.</summary>
    public string? ServerUrl { get; init; }

    /// <summary>A PEM file with the CA that signs the server's TLS certificate (KAGI_SERVER_CA); null for the system store.</summary>
    public string? ServerCaFile { get; init; }

    /// <summary>The PKCS#11 module path, as for the CLI (--module / KAGI_PKCS11_MODULE / configuration file).</summary>
    public string? ModulePath { get; init; }

    /// <summary>How often token insertion and removal are checked.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Opens the default browser on the agent's start page once it listens.</summary>
    public bool OpenBrowser { get; init; } = true;
}
