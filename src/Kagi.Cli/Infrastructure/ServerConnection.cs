using Kagi.Protocol;
using Kagi.Tokens;

namespace Kagi.Cli.Infrastructure;

/// <summary>
/// How the CLI reaches the Kagi server: --server URL (KAGI_SERVER), trusting the server's TLS certificate either
/// through the system store or through a CA certificate file given with --server-ca (KAGI_SERVER_CA), e.g. the
/// development CA the server creates on first start.
/// </summary>
internal static class ServerConnection
{
    /// <summary>The origin (scheme://host[:port]) of the configured server, as bound into token authentication.</summary>
    public static string Origin(string? server)
    {
        server ??= Environment.GetEnvironmentVariable("KAGI_SERVER");
        return Uri.TryCreate(server, UriKind.Absolute, out Uri? uri) ? uri.GetLeftPart(UriPartial.Authority) : string.Empty;
    }

    public static KagiApiClient Create(string? server, string? caFile, string? apiKey = null)
    {
        server ??= Environment.GetEnvironmentVariable("KAGI_SERVER");
        caFile ??= Environment.GetEnvironmentVariable("KAGI_SERVER_CA");
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new KagiException(KagiError.ServerNotConfigured);
        }

        return new KagiApiClient(ServerHttpClient.Create(uri, caFile)) { ApiKey = apiKey ?? Environment.GetEnvironmentVariable("KAGI_API_KEY") };
    }
}
