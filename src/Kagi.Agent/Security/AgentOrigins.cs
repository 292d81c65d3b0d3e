namespace Kagi.Agent.Security;

/// <summary>The host names and origins the agent answers to, fixed once the port is known.</summary>
public sealed class AgentOrigins
{
    private readonly HashSet<string> _portals;

    /// <summary>Creates the set for port <paramref name="port"/> and the configured portal origins.</summary>
    /// <exception cref="ArgumentException">A portal origin is not an absolute http(s) origin.</exception>
    public AgentOrigins(int port, IEnumerable<string> portalOrigins)
    {
        Port = port;
        _portals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string origin in portalOrigins)
        {
            _portals.Add(Normalize(origin) ?? throw new ArgumentException($"Not an origin: {origin}", nameof(portalOrigins)));
        }
    }

    /// <summary>The port the agent listens on.</summary>
    public int Port { get; }

    /// <summary>The agent's own origin, e.g. http://127.0.0.1:47110.</summary>
    public string Own => $"http://127.0.0.1:{Port}";

    /// <summary>The configured portal origins.</summary>
    public IReadOnlyCollection<string> Portals => _portals;

    /// <summary>True for the Host headers the agent serves: 127.0.0.1:port and localhost:port.</summary>
    public bool IsOwnHost(string host) =>
        string.Equals(host, $"127.0.0.1:{Port}", StringComparison.Ordinal) || string.Equals(host, $"localhost:{Port}", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="origin"/> is the agent's own origin (either loopback name).</summary>
    public bool IsOwn(string origin) =>
        string.Equals(origin, Own, StringComparison.Ordinal) || string.Equals(origin, $"http://localhost:{Port}", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a page from <paramref name="origin"/> may use the WebSocket API.</summary>
    public bool IsAllowedForWebSocket(string origin) => IsOwn(origin) || _portals.Contains(origin);

    /// <summary>scheme://host[:port] of <paramref name="value"/> in lower case, or null when it is not an http(s) origin.</summary>
    public static string? Normalize(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;
}
