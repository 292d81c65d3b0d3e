using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Issuance;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
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
/// The one issuance pipeline, in a fixed order: validate the CSR → apply the profile (subject from registration
/// data) → check policy (order state, key never certified before) → sign → persist → audit (persist and audit
/// commit together in <see cref="EnrollmentService.RecordIssuedBatchAsync"/>, through the <see cref="IssuanceRecorder"/>). The same CSR for the same order returns
/// the certificate already issued, so retries and concurrent instances never issue twice.
/// </summary>
public sealed class IssuancePipeline(CaService ca, EnrollmentService enrollment, IssuanceRecorder recorder, KagiDbContext db, Kagi.Registry.Authorities.IssuingAuthorityStore authorities, TimeProvider time)
{
    /// <summary>Issues (or returns the already issued) certificate for <paramref name="status"/>'s order.</summary>
    /// <returns>The certificate response, or a problem with a stable code.</returns>
    public async Task<Results<Ok<IssuedCertificateResponse>, ProblemHttpResult>> IssueAsync(
        EnrollmentStatus status, byte[] csr, AuditActor actor, CancellationToken cancellationToken)
    {
        // 1. Validate the CSR (encoding, signature, key policy).
        CsrValidationResult validation = CsrValidator.Validate(csr, ca.KeyPolicy);
        if (!validation.IsValid)
        {
            return validation.Error switch
            {
                CsrError.BadSignature => ApiProblem.BadRequest(ErrorCodes.CsrBadSignature, "The CSR's signature does not verify with its public key."),
                CsrError.Malformed => ApiProblem.BadRequest(ErrorCodes.CsrMalformed, "The CSR is not a well-formed PKCS#10 request."),
                _ => ApiProblem.BadRequest(ErrorCodes.CsrKeyRejected, "The CSR's key type or size is not accepted.", new Dictionary<string, object?> { ["reason"] = validation.Error.ToString() }),
            };
        }

        ValidatedCsr request = validation.Csr!;
        EnrollmentOrder order = status.Order!;

        // 2. Profile: the subject comes from registration data, never from the CSR.
        SubjectData subject = SubjectOf(status);

        // 3. Policy: one certificate per order unless reopened; idempotent for the same CSR. Both checks (the
        // certificate already issued for this CSR, and whether the key was certified) are read in one query.
        var (existing, keyCertified, generation) = await CheckPolicyAsync(order.CertificateId, request, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return TypedResults.Ok(existing);
        }

        if (order.State is not (OrderState.Open or OrderState.Reopened))
        {
            return ApiProblem.Conflict(ErrorCodes.OrderAlreadyIssued, "A certificate was already issued for this order; the CA operator must reopen it.");
        }

        if (keyCertified)
        {
            // Another request (or instance) may have just issued for this very CSR: answer with its certificate.
            existing = await ExistingAsync(order.CertificateId, request.Fingerprint, cancellationToken).ConfigureAwait(false);
            return existing is not null
                ? TypedResults.Ok(existing)
                : ApiProblem.Conflict(ErrorCodes.PublicKeyReused, "This public key was certified before; generate a new key pair.");
        }

        // 4. Sign with the active CA.
        EncodedByCa issued = await SignAsync(request, subject, generation, cancellationToken).ConfigureAwait(false);

        // 5 + 6. Persist and audit in one transaction, shared with concurrent issuances (group commit).
        OrderResult recorded = await recorder.RecordAsync(RecordOf(order.CertificateId, issued, request.Fingerprint, actor), cancellationToken).ConfigureAwait(false);
        if (recorded.Code == OrderCode.Done)
        {
            return TypedResults.Ok(ResponseOf(issued));
        }

        // Lost a race with another request or instance: answer with what won if it was the same CSR.
        existing = await ExistingAsync(order.CertificateId, request.Fingerprint, cancellationToken).ConfigureAwait(false);
        return existing is not null
            ? TypedResults.Ok(existing)
            : recorded.Code == OrderCode.PublicKeyReused
                ? ApiProblem.Conflict(ErrorCodes.PublicKeyReused, "This public key was certified before; generate a new key pair.")
                : ApiProblem.Conflict(ErrorCodes.OrderAlreadyIssued, "A certificate was already issued for this order; the CA operator must reopen it.");
    }

    /// <summary>
    /// Step 2 of <see cref="IssueAsync"/>, the profile: the subject data of <paramref name="status"/>'s certificate,
    /// from registration data only (the user's romanized name and the order's certificate ID), never from the CSR.
    /// </summary>
    /// <param name="status">An enrollment status with its user and order (as <see cref="IssueAsync"/> takes it).</param>
    /// <returns>The subject data, with the certificate ID passed without the profile's prefix (the profile adds it).</returns>
    /// <exception cref="ArgumentException">The status has no user or no order.</exception>
    public SubjectData SubjectOf(EnrollmentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Order is not { } order || status.User is not { } user)
        {
            throw new ArgumentException("The enrollment status has no order or no user.", nameof(status));
        }

        // The order's certificate ID already carries the configured prefix (the registry and the profile share
        // Kagi:Profile:CertificateIdPrefix), and the profile adds it again, so it is passed without.
        string prefix = ca.Profile.CertificateIdPrefix;
        string id = order.CertificateId.StartsWith(prefix, StringComparison.Ordinal) ? order.CertificateId[prefix.Length..] : order.CertificateId;
        return new SubjectData(user.RomanizedName, id);
    }

    /// <summary>
    /// Step 3 of <see cref="IssueAsync"/>, the policy check: the certificate already issued for this CSR on this order
    /// (as <see cref="ExistingAsync"/>), whether the CSR's public key was certified before (as
    /// <see cref="EnrollmentService.IsPublicKeyCertifiedAsync"/>), and the active CA generation (as
    /// <see cref="Kagi.Registry.Authorities.IssuingAuthorityStore.ActiveGenerationAsync"/>), in one compiled query.
    /// </summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="request">The validated CSR.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>
    /// <c>Existing</c>: the answer for the certificate already issued for this CSR on this order, or null when there is
    /// none (then the order may still be issued or stored with another CSR: the caller checks its state);
    /// <c>KeyCertified</c>: true when any issued certificate has the CSR's public key; <c>Generation</c>: the active CA
    /// generation recorded (0: none), for <see cref="SignAsync"/>.
    /// </returns>
    /// <exception cref="Kagi.Ca.CaException">A recorded CA the answer needs cannot be loaded.</exception>
    public async Task<(IssuedCertificateResponse? Existing, bool KeyCertified, int Generation)> CheckPolicyAsync(string certificateId, ValidatedCsr request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string csrFingerprint = request.Fingerprint;
        byte[] keyHash = System.Security.Cryptography.SHA256.HashData(request.SubjectPublicKeyInfo.Span);
        PolicyRow? row = await CompiledQueries.For<Queries>(db).Policy(db, certificateId, csrFingerprint, keyHash, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            // No such order (the caller found it a moment ago): the key check alone; recording reports the order.
            bool certified = await enrollment.IsPublicKeyCertifiedAsync(request.SubjectPublicKeyInfo.ToArray(), cancellationToken).ConfigureAwait(false);
            return (null, certified, await authorities.ActiveGenerationAsync(cancellationToken).ConfigureAwait(false));
        }

        int generation = row.Generation ?? 0;
        if (row.Der is null || row.IssuerCaId is null)
        {
            return (null, row.KeyCertified, generation);
        }

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(row.Der);
        await ca.RefreshToAsync(authorities, generation, cancellationToken).ConfigureAwait(false);
        return (Response(certificate, ca.ChainOf(row.IssuerCaId) ?? ca.Chain), row.KeyCertified, generation);
    }

    /// <summary>
    /// Step 4 of <see cref="IssueAsync"/>: signs with the active CA, after loading a newer CA set when
    /// <paramref name="generation"/> (read by <see cref="CheckPolicyAsync"/>) is not the loaded one (a rollover on
    /// another instance).
    /// </summary>
    /// <param name="request">The validated CSR.</param>
    /// <param name="subject">The subject data (<see cref="SubjectOf"/>).</param>
    /// <param name="generation">The active CA generation recorded (0: none, keep the loaded set).</param>
    /// <param name="cancellationToken">Cancels the reload (not the signature).</param>
    /// <returns>The encoded certificate with its issuer's ID and chain.</returns>
    /// <exception cref="Kagi.Ca.CaException">The active CA cannot be loaded or is not valid now, or the subject data is invalid.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The CA key failed to sign.</exception>
    public async Task<EncodedByCa> SignAsync(ValidatedCsr request, SubjectData subject, int generation, CancellationToken cancellationToken)
    {
        await ca.RefreshToAsync(authorities, generation, cancellationToken).ConfigureAwait(false);
        return ca.IssueEncoded(request, subject, time.GetUtcNow());
    }

    /// <summary>
    /// Step 5 of <see cref="IssueAsync"/>: the registry record of a certificate just issued, every field from the
    /// encoding (the DER is not decoded), for <see cref="IssuanceRecorder.RecordAsync"/> or
    /// <see cref="EnrollmentService.RecordIssuedBatchAsync"/>.
    /// </summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="issued">The certificate as <see cref="SignAsync"/> returned it.</param>
    /// <param name="csrFingerprint">The CSR's fingerprint (<see cref="ValidatedCsr.Fingerprint"/>).</param>
    /// <param name="actor">Who issues, for the audit log.</param>
    /// <returns>The record (never null).</returns>
    public static IssuanceRecord RecordOf(string certificateId, EncodedByCa issued, string csrFingerprint, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(issued);
        EncodedCertificate certificate = issued.Certificate;
        var entity = new IssuedCertificate
        {
            Serial = certificate.SerialNumber,
            IssuerCaId = issued.IssuerId,
            SubjectPublicKeySha256 = certificate.SubjectPublicKeyInfoSha256.ToArray(),
            Der = certificate.Der.ToArray(),
            NotBefore = certificate.NotBefore,
            NotAfter = certificate.NotAfter,
        };
        return new IssuanceRecord(certificateId, entity, issued.IssuerId, csrFingerprint, actor);
    }

    /// <summary>The enrollment API's answer for a certificate just issued: every field comes with the encoding (no decoding of the DER).</summary>
    /// <param name="issued">The certificate as <see cref="SignAsync"/> returned it.</param>
    /// <returns>The response (never null).</returns>
    public static IssuedCertificateResponse ResponseOf(EncodedByCa issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        EncodedCertificate certificate = issued.Certificate;
        return new(
            Convert.ToBase64String(certificate.Der.Span),
            issued.Chain.Select(c => Convert.ToBase64String(c.RawDataMemory.Span)).ToArray(),
            certificate.SerialNumber,
            certificate.Subject,
            certificate.NotBefore,
            certificate.NotAfter);
    }

    private async Task<IssuedCertificateResponse?> ExistingAsync(string certificateId, string csrFingerprint, CancellationToken cancellationToken)
    {
        var issued = await (from o in db.EnrollmentOrders.AsNoTracking()
                            join c in db.IssuedCertificates.AsNoTracking() on o.CertificateSerial equals c.Serial
                            where o.CertificateId == certificateId && o.CsrFingerprint == csrFingerprint
                                && (o.State == OrderState.Issued || o.State == OrderState.Stored)
                            select new { c.Der, c.IssuerCaId }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            return null;
        }

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        await ca.RefreshAsync(authorities, cancellationToken).ConfigureAwait(false);
        return Response(certificate, ca.ChainOf(issued.IssuerCaId) ?? ca.Chain);
    }

    /// <summary>The enrollment API's answer for <paramref name="certificate"/> issued under <paramref name="chain"/>.</summary>
    internal static IssuedCertificateResponse Response(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain) => new(
        Convert.ToBase64String(certificate.RawData),
        chain.Select(c => Convert.ToBase64String(c.RawData)).ToArray(),
        certificate.SerialNumber,
        certificate.Subject,
        new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));

    private sealed record PolicyRow(byte[]? Der, string? IssuerCaId, bool KeyCertified, int? Generation);

    private sealed class Queries
    {
        // The policy step's one query (see PolicyAsync), compiled: it runs on every certificate request.
        public readonly Func<KagiDbContext, string, string, byte[], CancellationToken, Task<PolicyRow?>> Policy =
            EF.CompileAsyncQuery((KagiDbContext db, string certificateId, string csrFingerprint, byte[] keyHash, CancellationToken cancellationToken) =>
                db.EnrollmentOrders.AsNoTracking()
                    .Where(o => o.CertificateId == certificateId)
                    .Select(o => new PolicyRow(
                        db.IssuedCertificates
                            .Where(c => c.Serial == o.CertificateSerial && o.CsrFingerprint == csrFingerprint && (o.State == OrderState.Issued || o.State == OrderState.Stored))
                            .Select(c => c.Der).FirstOrDefault(),
                        db.IssuedCertificates.Where(c => c.Serial == o.CertificateSerial).Select(c => c.IssuerCaId).FirstOrDefault(),
                        db.IssuedCertificates.Any(c => c.SubjectPublicKeySha256 == keyHash),
                        db.IssuingAuthorities.Max(a => (int?)a.Generation)))
                    .FirstOrDefault());
    }
}
