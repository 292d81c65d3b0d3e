using System.Security.Cryptography.X509Certificates;
using Kagi.Registry.Audit;
using Kagi.Registry.Entities;

namespace Kagi.Registry.Enrollment;

/// <summary>One issued certificate to record for its order (see <see cref="EnrollmentService.RecordIssuedBatchAsync"/>).</summary>
/// <param name="CertificateId">The order's certificate ID.</param>
/// <param name="Certificate">The registry row of the certificate (serial, validity, key hash, DER).</param>
/// <param name="IssuerCaId">The issuing CA's identifier.</param>
/// <param name="CsrFingerprint">SHA-256 of the CSR's public key (lowercase hex), for idempotent retries.</param>
/// <param name="Actor">Who issues, for the audit log.</param>
public sealed record IssuanceRecord(string CertificateId, IssuedCertificate Certificate, string IssuerCaId, string CsrFingerprint, AuditActor Actor)
{
    /// <summary>The record of <paramref name="certificate"/>, read from the loaded certificate (not decoded again).</summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="certificate">The issued certificate.</param>
    /// <param name="issuerCaId">The issuing CA's identifier.</param>
    /// <param name="csrFingerprint">The CSR fingerprint.</param>
    /// <param name="actor">Who issues.</param>
    /// <returns>The record, or null when the certificate's fields cannot be read.</returns>
    public static IssuanceRecord? Create(string certificateId, X509Certificate2 certificate, string issuerCaId, string csrFingerprint, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrEmpty(certificateId);
        ArgumentException.ThrowIfNullOrEmpty(issuerCaId);
        ArgumentException.ThrowIfNullOrEmpty(csrFingerprint);
        ArgumentNullException.ThrowIfNull(actor);
        IssuedCertificate? entity = EnrollmentService.FromCertificate(certificate, certificate.RawData, issuerCaId);
        return entity is null ? null : new IssuanceRecord(certificateId, entity, issuerCaId, csrFingerprint, actor);
    }
}
