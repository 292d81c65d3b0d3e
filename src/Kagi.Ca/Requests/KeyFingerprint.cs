using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Requests;

/// <summary>
/// The identity of a public key: the SHA-256 of its DER SubjectPublicKeyInfo, as 64 upper-case hex digits. The same key
/// has the same fingerprint in a request and in the certificate issued for it, so a registry can refuse keys seen before.
/// </summary>
public static class KeyFingerprint
{
    /// <summary>The fingerprint of a DER SubjectPublicKeyInfo.</summary>
    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>The fingerprint of a certificate's public key.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Of(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
