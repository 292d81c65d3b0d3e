using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Kagi.Tokens.Certificates;

/// <summary>Export formats.</summary>
public enum ExportFormat
{
    /// <summary>Binary DER (one certificate only).</summary>
    Der,

    /// <summary>PEM text; can hold the chain.</summary>
    Pem,
}

/// <summary>
/// Exports certificates (public data only). There is deliberately no way to export a private key: keys are
/// generated on the token as sensitive and non-extractable, and <see cref="RefusePrivateKeyExport"/> is what
/// every front end calls when asked to.
/// </summary>
public static class CertificateExporter
{
    /// <summary>Encodes <paramref name="certificate"/>, followed in PEM by the CA certificates of its chain found in <paramref name="onToken"/>.</summary>
    /// <exception cref="ArgumentException">A chain was requested in DER, which holds one certificate.</exception>
    public static byte[] Export(TokenCertificate certificate, ExportFormat format, bool includeChain, IReadOnlyList<TokenCertificate> onToken)
    {
        if (format == ExportFormat.Der)
        {
            if (includeChain)
            {
                throw new ArgumentException("DER holds a single certificate; use PEM for the chain.", nameof(includeChain));
            }

            return certificate.Der.ToArray();
        }

        var pem = new StringBuilder();
        foreach (TokenCertificate c in includeChain ? Chain(certificate, onToken) : [certificate])
        {
            pem.Append(PemEncoding.WriteString("CERTIFICATE", c.Der)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(pem.ToString());
    }

    /// <summary>The certificate followed by its issuers found on the token, each verified by signature, ending at a self-signed one or where none is found.</summary>
    public static IReadOnlyList<TokenCertificate> Chain(TokenCertificate leaf, IReadOnlyList<TokenCertificate> onToken)
    {
        var chain = new List<TokenCertificate> { leaf };
        TokenCertificate current = leaf;
        while (chain.Count < 10 && current.Subject != current.Issuer)
        {
            using X509Certificate2 child = X509CertificateLoader.LoadCertificate(current.Der);
            TokenCertificate? issuer = onToken.FirstOrDefault(c => c.IsCa && c.Subject == current.Issuer && !chain.Contains(c) && SignedBy(child, c));
            if (issuer is null)
            {
                break;
            }

            chain.Add(issuer);
            current = issuer;
        }

        return chain;
    }

    private static bool SignedBy(X509Certificate2 child, TokenCertificate issuer)
    {
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificate(issuer.Der);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.ExtraStore.Add(ca);
        chain.Build(child);

        // Accept when the chain engine linked the child to this CA and found its signature valid; trust and
        // validity problems of the CA itself do not matter for export.
        return chain.ChainElements.Count > 1
            && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData)
            && !chain.ChainElements[0].ChainElementStatus.Any(s => s.Status == X509ChainStatusFlags.NotSignatureValid);
    }

    /// <summary>Always throws: private keys never leave the token.</summary>
    /// <exception cref="KagiException">Always, with <see cref="KagiError.PrivateKeyExportRefused"/>.</exception>
    public static void RefusePrivateKeyExport() => throw new KagiException(KagiError.PrivateKeyExportRefused);
}
