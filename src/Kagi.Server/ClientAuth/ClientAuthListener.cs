using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Kagi.Server.ClientAuth;

/// <summary>
/// The TLS client-authentication listener. Kestrel binds either the configured URLs or explicitly coded endpoints,
/// not both, so the listener is added to the URLs, and the handshake on its port is told (per connection, through
/// <see cref="HttpsConnectionAdapterOptions.OnAuthenticate"/>) to require and validate a client certificate. The
/// server's other listeners never ask for one.
/// </summary>
public static class ClientAuthListener
{
    /// <summary>Checks <paramref name="url"/> and returns the server's listener list with it added, and its port.</summary>
    /// <exception cref="InvalidOperationException">The URL is not https:// with a port, or that port is already used by another listener, or no other listener is configured.</exception>
    public static (string Urls, int Port) AddTo(string? urls, string url)
    {
        if (!Uri.TryCreate(Wildcards(url), UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Port <= 0 || uri.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"Kagi:ClientAuth:Url must be an https:// URL with a fixed port and no path (e.g. https://127.0.0.1:8444), not '{url}'.");
        }

        string[] others = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (others.Length == 0)
        {
            throw new InvalidOperationException("Kagi:ClientAuth:Url is added to the server's listeners: give those with --urls as well.");
        }

        foreach (string other in others)
        {
            if (Uri.TryCreate(Wildcards(other), UriKind.Absolute, out Uri? o) && o.Port == uri.Port)
            {
                throw new InvalidOperationException($"Kagi:ClientAuth:Url needs a port of its own; {uri.Port} is already used by {other}.");
            }
        }

        return (string.Join(';', others.Append(url)), uri.Port);
    }

    /// <summary>
    /// Makes TLS handshakes on <paramref name="port"/> require a client certificate that <paramref name="validator"/>
    /// trusts; a missing, foreign or wrong-purpose certificate fails the handshake.
    /// </summary>
    public static void RequireClientCertificates(HttpsConnectionAdapterOptions https, int port, ClientCertificateValidator validator)
    {
        // Kestrel creates the SslStream without a validation callback when ClientCertificateMode is NoCertificate
        // (the default), so one can be set here for the client-authentication port only.
        Action<Microsoft.AspNetCore.Connections.ConnectionContext, System.Net.Security.SslServerAuthenticationOptions>? previous = https.OnAuthenticate;
        https.OnAuthenticate = (connection, ssl) =>
        {
            previous?.Invoke(connection, ssl);
            if (connection.LocalEndPoint is IPEndPoint local && local.Port == port)
            {
                ssl.ClientCertificateRequired = true;
                ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate switch
                {
                    X509Certificate2 c => validator.Check(c) == ClientCertificateCheck.Trusted,
                    null => false,
                    _ => validator.Check(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())) == ClientCertificateCheck.Trusted,
                };
            }
        };
    }

    private static string Wildcards(string url) =>
        url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
}
