using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Pins;

/// <summary>
/// Issues and verifies storage PINs. Verification is single-use and atomic: the state change is a conditional
/// UPDATE (<c>… WHERE state = 'Active' AND failed_attempts &lt; max</c>), so of many parallel verifications of the
/// right PIN exactly one updates the row and gets Ok; wrong attempts are counted in SQL
/// (<c>failed_attempts = failed_attempts + 1</c>) and lock the PIN at the maximum.
/// </summary>
public sealed class StoragePinService
{
    private const int MaxPinInput = 256;

    private readonly KagiDbContext db;
    private readonly AuditLog audit;
    private readonly TimeProvider time;
    private readonly StoragePinOptions options;

    /// <summary>Creates the service.</summary>
    /// <param name="db">The context to work through.</param>
    /// <param name="audit">The audit log on the same context.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Rules; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options are invalid.</exception>
    public StoragePinService(KagiDbContext db, AuditLog audit, TimeProvider time, StoragePinOptions? options = null)
    {
        this.db = db;
        this.audit = audit;
        this.time = time;
        this.options = options ?? new StoragePinOptions();
        this.options.Validate();
    }

    /// <summary>Issues a new PIN for an open assignment; earlier active or locked PINs are superseded.</summary>
    /// <param name="assignmentId">The assignment.</param>
    /// <param name="actor">Who issues, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The plaintext PIN (only here, only once) and its expiry, or why none was issued.</returns>
    public async Task<StoragePinIssue> IssueAsync(long assignmentId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string pin = StoragePinGenerator.Generate(options.Length);
        byte[] salt = StoragePinHasher.NewSalt();
        byte[] hash = StoragePinHasher.Hash(pin, salt, options.Iterations);

        return await WriteOperation.RunAsync(db, async transaction =>
        {
            Assignment? assignment = await db.Assignments.AsNoTracking()
                .SingleOrDefaultAsync(a => a.Id == assignmentId, cancellationToken).ConfigureAwait(false);
            if (assignment is null)
            {
                return new StoragePinIssue(StoragePinIssueCode.AssignmentNotFound, null, null, null);
            }

            if (assignment.EndedAt is not null)
            {
                return new StoragePinIssue(StoragePinIssueCode.AssignmentEnded, null, null, null);
            }

            DateTimeOffset now = time.GetUtcNow();
            try
            {
                int superseded = await db.StoragePins
                    .Where(p => p.AssignmentId == assignmentId && (p.State == StoragePinState.Active || p.State == StoragePinState.Locked))
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, StoragePinState.Superseded), cancellationToken).ConfigureAwait(false);
                var entity = new StoragePin
                {
                    AssignmentId = assignmentId,
                    Hash = hash,
                    Salt = salt,
                    Iterations = options.Iterations,
                    CreatedAt = now,
                    ExpiresAt = now + options.Validity,
                    State = StoragePinState.Active,
                };
                db.StoragePins.Add(entity);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                var details = new JsonObject { ["assignment"] = assignmentId, ["pin"] = entity.Id, ["superseded"] = superseded };
                await audit.AppendAsync(actor, AuditActions.StoragePinIssued, "assignment:" + assignmentId, details, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new StoragePinIssue(StoragePinIssueCode.Issued, pin, entity.ExpiresAt, entity.Id);
            }
            catch (DbUpdateException)
            {
                // ux_storage_pins_active: a concurrent reissue inserted its PIN first.
                return new StoragePinIssue(StoragePinIssueCode.Conflict, null, null, null);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Verifies the PIN of the open assignment of the token <paramref name="tokenSerial"/>. A correct PIN is used up
    /// (one Ok ever, even under concurrency); a wrong one counts an attempt. The hash comparison is constant-time.
    /// </summary>
    /// <param name="tokenSerial">The token the enrollment client authenticated.</param>
    /// <param name="pin">What the user typed (surrounding spaces ignored).</param>
    /// <param name="actor">Who verifies, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome, the attempts left and the assignment.</returns>
    public async Task<StoragePinVerification> VerifyAsync(string tokenSerial, string pin, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenSerial);
        ArgumentNullException.ThrowIfNull(pin);
        ArgumentNullException.ThrowIfNull(actor);
        var current = await (from t in db.Tokens
                             join a in db.Assignments on t.Id equals a.TokenId
                             where t.Serial == tokenSerial && a.EndedAt == null
                             select new
                             {
                                 AssignmentId = a.Id,
                                 Pin = db.StoragePins.Where(p => p.AssignmentId == a.Id && p.State != StoragePinState.Superseded)
                                     .OrderByDescending(p => p.Id).FirstOrDefault(),
                             }).AsNoTracking().SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (current?.Pin is not StoragePin stored)
        {
            return new StoragePinVerification(StoragePinOutcome.NotFound, 0, current?.AssignmentId);
        }

        DateTimeOffset now = time.GetUtcNow();
        StoragePinOutcome? refused = Classify(stored, now);
        if (refused is not null)
        {
            return new StoragePinVerification(refused.Value, 0, current.AssignmentId);
        }

        string typed = pin.Trim();
        bool match = typed.Length <= MaxPinInput && StoragePinHasher.Matches(typed, stored.Salt, stored.Iterations, stored.Hash);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            StoragePinVerification result = match
                ? await UseAsync(stored, tokenSerial, actor, now, cancellationToken).ConfigureAwait(false)
                : await CountFailureAsync(stored, tokenSerial, actor, cancellationToken).ConfigureAwait(false);
            if (result.Outcome is StoragePinOutcome.Ok or StoragePinOutcome.Wrong)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records in the audit log that an interrupted enrollment resumed on the verified PIN <paramref name="pinId"/>.</summary>
    /// <param name="assignmentId">The assignment.</param>
    /// <param name="pinId">The verified PIN.</param>
    /// <param name="tokenSerial">The token that authenticated again.</param>
    /// <param name="actor">Who resumes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task RecordResumedAsync(long assignmentId, long pinId, string tokenSerial, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var details = new JsonObject { ["assignment"] = assignmentId, ["pin"] = pinId };
        await audit.AppendAsync(actor, AuditActions.StoragePinResumed, "token:" + tokenSerial, details, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoragePinVerification> UseAsync(StoragePin stored, string serial, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int max = options.MaxAttempts;
        int updated = await db.StoragePins
            .Where(p => p.Id == stored.Id && p.State == StoragePinState.Active && p.FailedAttempts < max && p.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, StoragePinState.Used).SetProperty(p => p.UsedAt, now), cancellationToken)
            .ConfigureAwait(false);
        if (updated != 1)
        {
            return await ReclassifyAsync(stored, now, cancellationToken).ConfigureAwait(false);
        }

        var details = new JsonObject { ["assignment"] = stored.AssignmentId, ["pin"] = stored.Id };
        await audit.AppendAsync(actor, AuditActions.StoragePinVerified, "token:" + serial, details, cancellationToken).ConfigureAwait(false);
        return new StoragePinVerification(StoragePinOutcome.Ok, Math.Max(0, max - stored.FailedAttempts), stored.AssignmentId, stored.Id);
    }

    private async Task<StoragePinVerification> CountFailureAsync(StoragePin stored, string serial, AuditActor actor, CancellationToken cancellationToken)
    {
        int max = options.MaxAttempts;
        int updated = await db.StoragePins
            .Where(p => p.Id == stored.Id && p.State == StoragePinState.Active && p.FailedAttempts < max)
            .ExecuteUpdateAsync(
                s => s.SetProperty(p => p.FailedAttempts, p => p.FailedAttempts + 1)
                      .SetProperty(p => p.State, p => p.FailedAttempts + 1 >= max ? StoragePinState.Locked : StoragePinState.Active),
                cancellationToken)
            .ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        if (updated != 1)
        {
            return await ReclassifyAsync(stored, now, cancellationToken).ConfigureAwait(false);
        }

        int failed = await db.StoragePins.AsNoTracking().Where(p => p.Id == stored.Id).Select(p => p.FailedAttempts)
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        int left = Math.Max(0, max - failed);
        var details = new JsonObject { ["assignment"] = stored.AssignmentId, ["pin"] = stored.Id, ["attemptsLeft"] = left };
        await audit.AppendAsync(actor, AuditActions.StoragePinWrong, "token:" + serial, details, cancellationToken).ConfigureAwait(false);
        return new StoragePinVerification(StoragePinOutcome.Wrong, left, stored.AssignmentId);
    }

    // The conditional update matched nothing: someone else used, locked or superseded the PIN in the meantime.
    private async Task<StoragePinVerification> ReclassifyAsync(StoragePin stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        StoragePin? again = await db.StoragePins.AsNoTracking().SingleOrDefaultAsync(p => p.Id == stored.Id, cancellationToken).ConfigureAwait(false);
        StoragePinOutcome outcome = again is null ? StoragePinOutcome.NotFound : Classify(again, now) ?? StoragePinOutcome.NotFound;
        return new StoragePinVerification(outcome, 0, stored.AssignmentId);
    }

    private StoragePinOutcome? Classify(StoragePin pin, DateTimeOffset now) => pin.State switch
    {
        StoragePinState.Used => StoragePinOutcome.AlreadyUsed,
        StoragePinState.Locked => StoragePinOutcome.Locked,
        StoragePinState.Superseded => StoragePinOutcome.NotFound,
        _ when pin.FailedAttempts >= options.MaxAttempts => StoragePinOutcome.Locked,
        _ when pin.ExpiresAt <= now => StoragePinOutcome.Expired,
        _ => null,
    };
}
