namespace Kagi.Server.Options;

/// <summary>
/// The TLS client-authentication listener: a separate HTTPS address where a relying party's view of a user
/// certificate is shown (<c>GET /whoami</c>). Off while <see cref="Url"/> is empty.
/// </summary>
public sealed class ClientAuthOptions
{
    /// <summary>
    /// An https:// URL with an explicit port (e.g. https://0.0.0.0:8444), added to the server's listeners. On that
    /// port the TLS handshake requires a client certificate from this server's CA, and only <c>/whoami</c> answers.
    /// </summary>
    public string? Url { get; set; }
}
