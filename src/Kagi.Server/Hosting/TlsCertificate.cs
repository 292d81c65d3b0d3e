using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Issuance;
using Kagi.Server.Ca;

namespace Kagi.Server.Hosting;

/// <summary>
/// The server's TLS certificate: a supplied PKCS#12 file, or one issued at start by the server's own issuing CA for
/// localhost, 127.0.0.1, ::1 and the public origin's host (clients trust the root, see /pki/root.cer).
/// </summary>
public static class TlsCertificate
{
    /// <summary>Loads the configured certificate or issues one from <paramref name="ca"/>.</summary>
    public static X509Certificate2 Create(CaService ca, string publicOrigin, string? pkcs12Path, string? pkcs12Password, DateTimeOffset now)
    {
        if (!string.IsNullOrWhiteSpace(pkcs12Path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(pkcs12Path, pkcs12Password);
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string host = Uri.TryCreate(publicOrigin, UriKind.Absolute, out Uri? uri) ? uri.Host : "localhost";
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            san.AddIpAddress(ip);
        }
        else if (host != "localhost")
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Issuing.Certificate, true, false));
        DateTimeOffset notAfter = now.AddDays(90) < ca.Issuing.NotAfter ? now.AddDays(90) : ca.Issuing.NotAfter;
        using X509Certificate2 issued = request.Create(ca.Issuing.Name, ca.Issuing.Key.SignatureGenerator, now.AddMinutes(-1), notAfter, SerialNumbers.New());
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
