using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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

        var handler = new SocketsHttpHandler();
        if (!string.IsNullOrWhiteSpace(caFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, sent, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (sent is not null)
                {
                    foreach (X509ChainElement element in sent.ChainElements)
                    {
                        chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                using var leaf = new X509Certificate2(certificate);
                return chain.Build(leaf);
            };
        }

        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(serverUrl!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        return new KagiApiClient(http);
    }
}
