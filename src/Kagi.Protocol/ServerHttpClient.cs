using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Protocol;

/// <summary>
/// The HTTP client every Kagi program (CLI, agent) uses to reach a Kagi server: the server's TLS certificate is
/// trusted through the system store, or, when a CA file is given, only through the CA certificates in that PEM file
/// (e.g. the development root the server creates on first start), with the host name still checked.
/// </summary>
public static class ServerHttpClient
{
    /// <summary>Creates a client whose base address is <paramref name="server"/>.</summary>
    /// <param name="server">An absolute http(s) URL of the server.</param>
    /// <param name="caPemFile">PEM file with the CA certificates to trust instead of the system store; null or empty for the system store.</param>
    /// <exception cref="ArgumentException"><paramref name="server"/> is not an absolute http or https URL.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The CA file cannot be read as PEM certificates.</exception>
    public static HttpClient Create(Uri server, string? caPemFile)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsAbsoluteUri || server.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException("The server address must be an absolute http or https URL.", nameof(server));
        }

        var handler = new SocketsHttpHandler();
        if (!string.IsNullOrWhiteSpace(caPemFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caPemFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, sent, errors) =>
                certificate is not null && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && ChainsToRoots(certificate, sent, roots);
        }

        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri(server.ToString().TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    private static bool ChainsToRoots(X509Certificate certificate, X509Chain? sent, X509Certificate2Collection roots)
    {
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

        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
