using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Revocation;

/// <summary>A revoked certificate as a CRL lists it.</summary>
/// <param name="SerialNumber">The certificate's serial number, big-endian.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="Reason">The reason code; null or <see cref="X509RevocationReason.Unspecified"/> leave the reasonCode
/// extension out (RFC 5280 asks for that instead of "unspecified").</param>
public sealed record RevokedCertificate(byte[] SerialNumber, DateTimeOffset RevokedAt, X509RevocationReason? Reason);
