using Kagi.Registry.Audit;
using Kagi.Registry.Entities;

namespace Kagi.Registry.Enrollment;

/// <summary>One issued certificate to record for its order (see <see cref="EnrollmentService.RecordIssuedBatchAsync"/>).</summary>
/// <param name="CertificateId">The order's certificate ID.</param>
/// <param name="Certificate">The registry row of the certificate (serial, validity, key hash, DER).</param>
/// <param name="IssuerCaId">The issuing CA's identifier.</param>
/// <param name="CsrFingerprint">SHA-256 of the CSR's public key (lowercase hex), for idempotent retries.</param>
/// <param name="Actor">Who issues, for the audit log.</param>
public sealed record IssuanceRecord(string CertificateId, IssuedCertificate Certificate, string IssuerCaId, string CsrFingerprint, AuditActor Actor);
