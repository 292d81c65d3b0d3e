namespace Kagi.Tokens.Certificates;

/// <summary>A certificate stored on a token, with the details the management tool shows.</summary>
/// <param name="Handle">The PKCS#11 object handle (valid for the session that read it).</param>
/// <param name="Label">CKA_LABEL.</param>
/// <param name="Id">CKA_ID as upper-case hex (links the certificate to its key pair).</param>
/// <param name="SerialNumber">Certificate serial number, upper-case hex, as vendor tools show it.</param>
/// <param name="Subject">Subject distinguished name.</param>
/// <param name="Issuer">Issuer distinguished name.</param>
/// <param name="NotBefore">Start of validity (UTC).</param>
/// <param name="NotAfter">End of validity (UTC).</param>
/// <param name="DaysUntilExpiry">Whole days from now until <paramref name="NotAfter"/>; negative once expired.</param>
/// <param name="KeyAlgorithm">"RSA" or "EC".</param>
/// <param name="KeySize">Key size in bits.</param>
/// <param name="Curve">Curve name for EC keys (e.g. "P-256"); null for RSA.</param>
/// <param name="KeyUsages">Key usage names (e.g. "digitalSignature").</param>
/// <param name="ExtendedKeyUsages">Extended key usage OIDs with their friendly names when known.</param>
/// <param name="Sha1">SHA-1 fingerprint, upper-case hex.</param>
/// <param name="Sha256">SHA-256 fingerprint, upper-case hex.</param>
/// <param name="CertificateId">The subject's serialNumber attribute, else its CN: the CA's certificate ID.</param>
/// <param name="IsCa">True for CA certificates (basic constraints CA or CKA_CERTIFICATE_CATEGORY authority).</param>
/// <param name="HasPrivateKey">True/false when known; null when the private key may be hidden until login.</param>
/// <param name="Der">The DER encoding.</param>
public sealed record TokenCertificate(
    ulong Handle,
    string Label,
    string Id,
    string SerialNumber,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    int DaysUntilExpiry,
    string KeyAlgorithm,
    int KeySize,
    string? Curve,
    IReadOnlyList<string> KeyUsages,
    IReadOnlyList<string> ExtendedKeyUsages,
    string Sha1,
    string Sha256,
    string CertificateId,
    bool IsCa,
    bool? HasPrivateKey,
    byte[] Der);
