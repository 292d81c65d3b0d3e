using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Enrollment;

/// <summary>
/// The enrollment order steps: certificate issued (Open/Reopened → Issued), certificate stored on the token
/// (Issued → Stored; the assignment and the token become Active), and reopening for a new CSR. Each step is one
/// transaction with its audit entry.
/// </summary>
/// <param name="db">The context to work through.</param>
/// <param name="audit">The audit log on the same context.</param>
/// <param name="tokens">The token state machine on the same context.</param>
/// <param name="time">The clock.</param>
public sealed class EnrollmentService(KagiDbContext db, AuditLog audit, TokenStateMachine tokens, TimeProvider time)
{
    // The issuance path's queries, compiled once per model (see CompiledQueries).
    private static Queries Compiled(KagiDbContext db) => CompiledQueries.For<Queries>(db);

    private sealed class Queries
    {
        // The token, left-joined with its open assignment (at most one, ux_assignments_open_token), the assignment's
        // user, its latest order (no later order of the same assignment exists) and its current storage PIN (the
        // latest one not superseded), which the PIN-verified enrollment requests check.
        public readonly Func<KagiDbContext, string, CancellationToken, Task<StatusPinRow?>> FindByTokenWithPinQuery =
            EF.CompileAsyncQuery((KagiDbContext db, string tokenSerial, CancellationToken cancellationToken) => (
                from t in db.Tokens.AsNoTracking()
                where t.Serial == tokenSerial
                join a0 in db.Assignments.AsNoTracking().Where(a => a.EndedAt == null) on t.Id equals a0.TokenId into openAssignments
                from a in openAssignments.DefaultIfEmpty()
                join u0 in db.Users.AsNoTracking() on a!.UserId equals u0.Id into users
                from u in users.DefaultIfEmpty()
                join o0 in db.EnrollmentOrders.AsNoTracking() on a!.Id equals o0.AssignmentId into orders
                from o in orders.DefaultIfEmpty()
                where o == null || !db.EnrollmentOrders.Any(later => later.AssignmentId == o.AssignmentId && later.Id > o.Id)
                join p0 in db.StoragePins.AsNoTracking().Where(p => p.State != StoragePinState.Superseded) on a!.Id equals p0.AssignmentId into pins
                from p in pins.DefaultIfEmpty()
                where p == null || !db.StoragePins.Any(later => later.AssignmentId == p.AssignmentId && later.State != StoragePinState.Superseded && later.Id > p.Id)
                select new StatusPinRow(t, a, u, o, p == null ? null : p.Id, p == null ? null : p.State, p == null ? null : p.UsedAt)).FirstOrDefault());

        // The checks before recording a certificate: the order, whether its assignment has ended, whether the key was
        // certified.
        public readonly Func<KagiDbContext, string, byte[], CancellationToken, Task<IssueCheckRow?>> IssueCheckQuery =
            EF.CompileAsyncQuery((KagiDbContext db, string certificateId, byte[] keyHash, CancellationToken cancellationToken) => (
                from o in db.EnrollmentOrders.AsNoTracking()
                where o.CertificateId == certificateId
                join a in db.Assignments.AsNoTracking() on o.AssignmentId equals a.Id
                select new IssueCheckRow(o.Id, o.State, o.CertificateSerial, a.EndedAt != null, db.IssuedCertificates.Any(c => c.SubjectPublicKeySha256 == keyHash))).FirstOrDefault());
    }

    /// <summary>The token, its open assignment, user and latest order.</summary>
    /// <param name="tokenSerial">The token serial.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The status, or null when no such token exists.</returns>
    public async Task<EnrollmentStatus?> FindByTokenAsync(string tokenSerial, CancellationToken cancellationToken = default)
    {
        var (status, _) = await FindByTokenWithStoragePinAsync(tokenSerial, cancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>
    /// As <see cref="FindByTokenAsync"/>, together with the open assignment's current storage PIN (the latest one not
    /// superseded by a reissue; enrollment tickets are bound to the PIN they were verified with, so a reissue makes
    /// older tickets stop working), in one query.
    /// </summary>
    /// <param name="tokenSerial">The token serial.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The status (null when no such token exists) and the current PIN (null without an open assignment or PIN).</returns>
    public async Task<(EnrollmentStatus? Status, Pins.CurrentStoragePin? StoragePin)> FindByTokenWithStoragePinAsync(string tokenSerial, CancellationToken cancellationToken = default)
    {
        StatusPinRow? row = await Compiled(db).FindByTokenWithPinQuery(db, tokenSerial, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return (null, null);
        }

        Token token = row.Token;
        var status = new EnrollmentStatus(token.Id, token.Serial, token.State, token.DistributionPublicKey, row.Open?.Id, row.Open is null ? null : row.User, row.Open is null ? null : row.Order);
        var pin = row.Open is not null && row.PinId is { } id && row.PinState is { } state ? new Pins.CurrentStoragePin(id, state, row.PinUsedAt) : null;
        return (status, pin);
    }

    /// <summary>Whether a public key was ever certified (the registry refuses to certify it again).</summary>
    /// <param name="subjectPublicKeyInfo">DER SubjectPublicKeyInfo.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>True when an issued certificate has this key.</returns>
    public Task<bool> IsPublicKeyCertifiedAsync(byte[] subjectPublicKeyInfo, CancellationToken cancellationToken = default)
    {
        byte[] hash = SHA256.HashData(subjectPublicKeyInfo);
        return db.IssuedCertificates.AnyAsync(c => c.SubjectPublicKeySha256 == hash, cancellationToken);
    }

    /// <summary>
    /// Records the certificate issued for an open or reopened order of an open assignment: stores it (serial,
    /// validity and key hash read from the DER) and moves the order to Issued.
    /// </summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="certificateDer">The issued certificate (DER).</param>
    /// <param name="issuerCaId">The issuing CA's identifier.</param>
    /// <param name="csrFingerprint">SHA-256 of the CSR (lowercase hex).</param>
    /// <param name="actor">Who issues, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome; on a reissue the replaced serial.</returns>
    public Task<OrderResult> RecordIssuedAsync(string certificateId, byte[] certificateDer, string issuerCaId, string csrFingerprint, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificateDer);
        ArgumentException.ThrowIfNullOrEmpty(issuerCaId);
        ArgumentException.ThrowIfNullOrEmpty(csrFingerprint);
        IssuedCertificate? certificate = Parse(certificateDer, issuerCaId);
        return certificate is null
            ? Task.FromResult(new OrderResult(OrderCode.InvalidCertificate, null))
            : RecordAsync(certificateId, certificate, issuerCaId, csrFingerprint, actor, cancellationToken);
    }

    /// <summary>
    /// As <see cref="RecordIssuedAsync(string, byte[], string, string, AuditActor, CancellationToken)"/>, for a
    /// certificate the caller holds already loaded (the issuance pipeline's own), so it is not decoded again.
    /// </summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="certificate">The issued certificate.</param>
    /// <param name="issuerCaId">The issuing CA's identifier.</param>
    /// <param name="csrFingerprint">SHA-256 of the CSR (lowercase hex).</param>
    /// <param name="actor">Who issues, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome; on a reissue the replaced serial.</returns>
    public Task<OrderResult> RecordIssuedAsync(string certificateId, X509Certificate2 certificate, string issuerCaId, string csrFingerprint, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrEmpty(issuerCaId);
        ArgumentException.ThrowIfNullOrEmpty(csrFingerprint);
        IssuedCertificate? entity = FromCertificate(certificate, certificate.RawData, issuerCaId);
        return entity is null
            ? Task.FromResult(new OrderResult(OrderCode.InvalidCertificate, null))
            : RecordAsync(certificateId, entity, issuerCaId, csrFingerprint, actor, cancellationToken);
    }

    private Task<OrderResult> RecordAsync(string certificateId, IssuedCertificate certificate, string issuerCaId, string csrFingerprint, AuditActor actor, CancellationToken cancellationToken) =>
        WriteOperation.RunAsync(db, async transaction =>
        {
            OrderResult result = await RecordInTransactionAsync(new IssuanceRecord(certificateId, certificate, issuerCaId, csrFingerprint, actor), batched: false, cancellationToken).ConfigureAwait(false);
            if (result.Code == OrderCode.Done)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken);

    /// <summary>
    /// Records several issued certificates in one transaction (group commit: one durable commit for the lot). Each
    /// record has exactly the outcome it would have alone, seeing the records before it in the batch. A record refused
    /// by the checks (unknown order, wrong state, key certified before, order claimed meanwhile) writes nothing, so
    /// the others go on; an unexpected failure of any record (a constraint violation while saving) rolls the whole
    /// batch back and is thrown, and the caller records the batch's certificates one by one instead.
    /// </summary>
    /// <param name="records">The certificates to record, in order.</param>
    /// <param name="cancellationToken">Cancels the database work (then nothing of the batch is committed).</param>
    /// <returns>One outcome per record, in the same order.</returns>
    /// <exception cref="DbUpdateException">A record of a batch of several could not be saved; nothing of the batch was recorded.</exception>
    public async Task<IReadOnlyList<OrderResult>> RecordIssuedBatchAsync(IReadOnlyList<IssuanceRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 1)
        {
            return [await RecordAsync(records[0].CertificateId, records[0].Certificate, records[0].IssuerCaId, records[0].CsrFingerprint, records[0].Actor, cancellationToken).ConfigureAwait(false)];
        }

        // A failed save aborts the batch anyway, so EF Core's automatic savepoint around every SaveChanges is not needed.
        bool autoSavepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            return await WriteOperation.RunAsync(db, async transaction =>
            {
                var results = new OrderResult[records.Count];
                for (int i = 0; i < records.Count; i++)
                {
                    results[i] = await RecordInTransactionAsync(records[i], batched: true, cancellationToken).ConfigureAwait(false);
                    db.ChangeTracker.Clear();
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (IReadOnlyList<OrderResult>)results;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = autoSavepoints;
        }
    }

    // The checks, the claim of the order and the certificate with its audit entry, inside the caller's transaction.
    // Every outcome but Done returns before anything is written, except a failed save: alone, that is a Conflict the
    // caller rolls back; in a batch, it is thrown (the batch's earlier records cannot stay without this one's claim).
    private async Task<OrderResult> RecordInTransactionAsync(IssuanceRecord record, bool batched, CancellationToken cancellationToken)
    {
        IssuedCertificate certificate = record.Certificate;
        string certificateId = record.CertificateId;

        // One query for the checks: the order, whether its assignment has ended, and whether the key was certified.
        byte[] keyHash = certificate.SubjectPublicKeySha256;
        IssueCheckRow? order = await Compiled(db).IssueCheckQuery(db, certificateId, keyHash, cancellationToken).ConfigureAwait(false);
        if (order is null)
        {
            return new OrderResult(OrderCode.OrderNotFound, null);
        }

        if (order.State is not (OrderState.Open or OrderState.Reopened) || order.AssignmentEnded)
        {
            return new OrderResult(OrderCode.WrongState, order.State);
        }

        if (order.KeyCertified)
        {
            return new OrderResult(OrderCode.PublicKeyReused, order.State);
        }

        // Claim the order with a conditional UPDATE: of several requests (or server instances) racing for one
        // order, exactly one finds it still open; the others change nothing and roll back.
        string? replaced = order.CertificateSerial;
        DateTimeOffset now = time.GetUtcNow();
        long orderId = order.Id;
        string csrFingerprint = record.CsrFingerprint;
        // Plain SQL (the same on SQLite and PostgreSQL): this runs for every certificate, and EF Core would translate
        // an ExecuteUpdate again on every call. States are stored by name, times as Unix microseconds.
        string issuedState = nameof(OrderState.Issued);
        string serial = certificate.Serial;
        long issuedAt = UnixMicroseconds.From(now);
        int claimed = replaced is null
            ? await db.Database.ExecuteSqlAsync(
                $"UPDATE enrollment_orders SET state = {issuedState}, csr_fingerprint = {csrFingerprint}, certificate_serial = {serial}, issued_at = {issuedAt} WHERE id = {orderId} AND state IN ('Open', 'Reopened') AND certificate_serial IS NULL",
                cancellationToken).ConfigureAwait(false)
            : await db.Database.ExecuteSqlAsync(
                $"UPDATE enrollment_orders SET state = {issuedState}, csr_fingerprint = {csrFingerprint}, certificate_serial = {serial}, issued_at = {issuedAt} WHERE id = {orderId} AND state IN ('Open', 'Reopened') AND certificate_serial = {replaced}",
                cancellationToken).ConfigureAwait(false);
        if (claimed != 1)
        {
            return new OrderResult(OrderCode.Conflict, null);
        }

        // The certificate is saved with the audit entry (one SaveChanges, same transaction).
        certificate.OrderId = orderId;
        db.IssuedCertificates.Add(certificate);
        var details = new JsonObject { ["certificateId"] = certificateId, ["serial"] = certificate.Serial, ["issuer"] = record.IssuerCaId, ["replaced"] = replaced };
        try
        {
            await audit.AppendAsync(record.Actor, AuditActions.CertificateIssued, "order:" + orderId, details, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (!batched)
        {
            return new OrderResult(OrderCode.Conflict, null);
        }

        return new OrderResult(OrderCode.Done, OrderState.Issued, replaced);
    }

    /// <summary>
    /// The generation of <paramref name="order"/>: how many certificates were issued for it before the one it stands
    /// for now (0 for a new order and for its first certificate; 1 after the operator reopened it once, for the
    /// replacement and until it is issued; and so on). The client derives its key pair's CKA_ID from the certificate
    /// ID and this number, so a reopened order gets a new key pair (a public key is certified at most once) while a
    /// rerun of the same generation finds the key it generated before. No schema change: every certificate issued for
    /// an order is recorded with the order's id.
    /// </summary>
    /// <param name="order">The order.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The generation, 0 or more.</returns>
    public async Task<int> GenerationAsync(EnrollmentOrder order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        long orderId = order.Id;
        int issued = await db.IssuedCertificates.CountAsync(c => c.OrderId == orderId, cancellationToken).ConfigureAwait(false);
        return Math.Max(0, order.State is OrderState.Issued or OrderState.Stored ? issued - 1 : issued);
    }

    /// <summary>
    /// The client reports the certificate stored on the token: the order becomes Stored, the assignment Active, and
    /// an Assigned token Active (an Active token stays so, e.g. after a reissue). On a reissued order, the
    /// certificates issued for it before and not revoked are revoked now with reason superseded (audited as
    /// <see cref="AuditActions.CertificateRevoked"/>), in the same transaction: the replaced certificate stays valid
    /// until its replacement is on the token.
    /// </summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="actor">Who reports, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome; when done, <see cref="OrderResult.Superseded"/> lists the certificates revoked now.</returns>
    public async Task<OrderResult> MarkStoredAsync(string certificateId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            var (order, assignment) = await LoadAsync(certificateId, cancellationToken).ConfigureAwait(false);
            if (order is null)
            {
                return new OrderResult(OrderCode.OrderNotFound, null);
            }

            Token? token = assignment is null ? null
                : await db.Tokens.SingleAsync(t => t.Id == assignment.TokenId, cancellationToken).ConfigureAwait(false);
            if (order.State != OrderState.Issued || assignment is null || assignment.EndedAt is not null || token is null
                || token.State is not (TokenState.Assigned or TokenState.Active))
            {
                return new OrderResult(OrderCode.WrongState, order.State);
            }

            DateTimeOffset now = time.GetUtcNow();
            long orderId = order.Id;
            string? current = order.CertificateSerial;
            List<IssuedCertificate> superseded = await db.IssuedCertificates
                .Where(c => c.OrderId == orderId && c.Serial != current && c.RevokedAt == null)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (IssuedCertificate replaced in superseded)
            {
                replaced.RevokedAt = now;
                replaced.RevocationReason = RevocationReason.Superseded;
            }

            order.State = OrderState.Stored;
            order.StoredAt = now;
            assignment.State = AssignmentState.Active;
            assignment.ActivatedAt ??= now;
            var details = new JsonObject { ["certificateId"] = certificateId, ["serial"] = order.CertificateSerial, ["assignment"] = assignment.Id };
            try
            {
                if (token.State == TokenState.Assigned)
                {
                    await tokens.ApplyAsync(token, TokenState.Active, actor, details, workflow: true, AuditActions.CertificateStored, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await audit.AppendAsync(actor, AuditActions.CertificateStored, "token:" + token.Serial, details, cancellationToken).ConfigureAwait(false);
                }

                foreach (IssuedCertificate replaced in superseded)
                {
                    var revocation = new JsonObject { ["reason"] = nameof(RevocationReason.Superseded), ["issuerId"] = replaced.IssuerCaId, ["replacedBy"] = current };
                    await audit.AppendAsync(actor, AuditActions.CertificateRevoked, "certificate:" + replaced.Serial, revocation, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (DbUpdateException)
            {
                return new OrderResult(OrderCode.Conflict, null);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new OrderResult(OrderCode.Done, OrderState.Stored, Superseded: [.. superseded.Select(c => new SupersededCertificate(c.Serial, c.IssuerCaId))]);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an issued or stored order again for a new CSR (storing failed, or a reissue was asked for).</summary>
    /// <param name="certificateId">The order's certificate ID.</param>
    /// <param name="actor">Who reopens, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome.</returns>
    public async Task<OrderResult> ReopenAsync(string certificateId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            var (order, assignment) = await LoadAsync(certificateId, cancellationToken).ConfigureAwait(false);
            if (order is null)
            {
                return new OrderResult(OrderCode.OrderNotFound, null);
            }

            if (order.State is not (OrderState.Issued or OrderState.Stored) || assignment?.EndedAt is not null)
            {
                return new OrderResult(OrderCode.WrongState, order.State);
            }

            OrderState from = order.State;
            order.State = OrderState.Reopened;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var details = new JsonObject { ["certificateId"] = certificateId, ["from"] = from.ToString() };
            await audit.AppendAsync(actor, AuditActions.OrderReopened, "order:" + order.Id, details, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new OrderResult(OrderCode.Done, OrderState.Reopened);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(EnrollmentOrder? Order, Assignment? Assignment)> LoadAsync(string certificateId, CancellationToken cancellationToken)
    {
        EnrollmentOrder? order = await db.EnrollmentOrders.SingleOrDefaultAsync(o => o.CertificateId == certificateId, cancellationToken).ConfigureAwait(false);
        Assignment? assignment = order is null ? null
            : await db.Assignments.SingleAsync(a => a.Id == order.AssignmentId, cancellationToken).ConfigureAwait(false);
        return (order, assignment);
    }

    private static IssuedCertificate? Parse(byte[] der, string issuerCaId)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return FromCertificate(certificate, [.. der], issuerCaId);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    internal static IssuedCertificate? FromCertificate(X509Certificate2 certificate, byte[] der, string issuerCaId)
    {
        try
        {
            return new IssuedCertificate
            {
                Serial = certificate.SerialNumber,
                IssuerCaId = issuerCaId,
                SubjectPublicKeySha256 = SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()),
                Der = der,
                NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            };
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private sealed record StatusPinRow(Token Token, Assignment? Open, User? User, EnrollmentOrder? Order, long? PinId, StoragePinState? PinState, DateTimeOffset? PinUsedAt);

    private sealed record IssueCheckRow(long Id, OrderState State, string? CertificateSerial, bool AssignmentEnded, bool KeyCertified);
}
