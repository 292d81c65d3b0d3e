using Kagi.Protocol;

namespace Kagi.Agent.Wizard;

/// <summary>
/// Connects the wizard to the Kagi server (KAGI_SERVER), trusting its TLS certificate through the system store or the
/// CA certificates in KAGI_SERVER_CA, like the CLI does.
/// </summary>
public sealed class ServerClientFactory(string? serverUrl, string? caFile)
{
    /// <summary>True when a usable server URL is configured.</summary>
    public bool Configured => Uri.TryCreate(serverUrl, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http";

    /// <summary>The server's origin (scheme://host[:port]), bound into token authentication.</summary>
    public string Origin => Uri.TryCreate(serverUrl, UriKind.Absolute, out Uri? uri) ? uri.GetLeftPart(UriPartial.Authority) : string.Empty;

    /// <summary>A new client (each wizard run has its own, since the client carries the enrollment ticket).</summary>
    /// <exception cref="InvalidOperationException">No server is configured.</exception>
    public KagiApiClient Create()
    {
        if (!Configured)
        {
            throw new InvalidOperationException("No Kagi server is configured.");
        }

        return new KagiApiClient(ServerHttpClient.Create(new Uri(serverUrl!), caFile));
    }
}
