using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Kagi.Protocol;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Entities;
using Kagi.Server.Ca;
using Kagi.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Enrollment;

/// <summary>
/// Hands out again the certificate already issued and reported stored for an order, so a client can write it back to
/// a token that lost it (SoftHSM2 on a full disk answers CKR_OK but keeps nothing of the new objects; see
/// <c>CertificateStorageFlow.RestoreCertificateAsync</c>). Never issues: the answer is the one certificate recorded
/// for the order, and only when it is not revoked and certifies exactly the public key the client read from the token.
/// Every answer that hands out the certificate, and every refusal of a key or a revoked certificate, is audited.
/// </summary>
public sealed class CertificateRestore(CaService ca, KagiDbContext db, AuditLog audit, Kagi.Registry.Authorities.IssuingAuthorityStore authorities)
{
    /// <summary>The stored certificate of <paramref name="status"/>'s order, if it certifies <paramref name="subjectPublicKeyInfo"/>.</summary>
    /// <param name="status">The authenticated token's status (open assignment and its latest order).</param>
    /// <param name="subjectPublicKeyInfo">The token key's public key, DER SubjectPublicKeyInfo as the client sent it.</param>
    /// <param name="actor">The token, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The certificate and its chain, or a problem with a stable code.</returns>
    public async Task<Results<Ok<IssuedCertificateResponse>, ProblemHttpResult>> RestoreAsync(
        EnrollmentStatus status, byte[] subjectPublicKeyInfo, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        byte[]? normalized = Normalize(subjectPublicKeyInfo);
        if (normalized is null)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "publicKey must be base64 of a DER SubjectPublicKeyInfo.");
        }

        EnrollmentOrder order = status.Order!;
        if (order.State != OrderState.Stored || order.CertificateSerial is null)
        {
            return ApiProblem.Conflict(ErrorCodes.NoCertificateToRestore, "No certificate was stored for this order; continue the enrollment instead.");
        }

        long orderId = order.Id;
        string serial = order.CertificateSerial;
        IssuedCertificate? issued = await db.IssuedCertificates.AsNoTracking()
            .SingleOrDefaultAsync(c => c.OrderId == orderId && c.Serial == serial, cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            return ApiProblem.Conflict(ErrorCodes.NoCertificateToRestore, "No certificate was stored for this order; continue the enrollment instead.");
        }

        var details = new JsonObject { ["certificateId"] = order.CertificateId, ["serial"] = serial, ["assignment"] = status.AssignmentId };
        if (issued.RevokedAt is not null)
        {
            details["reason"] = "revoked";
            await audit.AppendAsync(actor, AuditActions.CertificateRestoreRefused, "order:" + orderId, details, cancellationToken).ConfigureAwait(false);
            return ApiProblem.Conflict(ErrorCodes.CertificateRevoked, "The certificate issued for this order is revoked; ask the CA operator for a new one.");
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(normalized), issued.SubjectPublicKeySha256))
        {
            details["reason"] = "public-key-mismatch";
            await audit.AppendAsync(actor, AuditActions.CertificateRestoreRefused, "order:" + orderId, details, cancellationToken).ConfigureAwait(false);
            return ApiProblem.Conflict(ErrorCodes.PublicKeyMismatch, "The public key is not the one the certificate of this order certifies.");
        }

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        await ca.RefreshAsync(authorities, cancellationToken).ConfigureAwait(false);
        IssuedCertificateResponse response = IssuancePipeline.Response(certificate, ca.ChainOf(issued.IssuerCaId) ?? ca.Chain);
        await audit.AppendAsync(actor, AuditActions.CertificateRestored, "order:" + orderId, details, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(response);
    }

    // The same DER the registry hashed at issuance (X509Certificate2.PublicKey.ExportSubjectPublicKeyInfo), so an
    // equivalent encoding of the same key compares equal; null when it is not exactly one SubjectPublicKeyInfo.
    private static byte[]? Normalize(byte[] subjectPublicKeyInfo)
    {
        try
        {
            PublicKey key = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
            return read == subjectPublicKeyInfo.Length ? key.ExportSubjectPublicKeyInfo() : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
