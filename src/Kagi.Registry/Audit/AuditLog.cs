using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Audit;

/// <summary>
/// The append-only, hash-chained audit log (see <see cref="AuditChain"/>). Appends are serialized across threads,
/// processes and server instances: on PostgreSQL by a transaction-scoped advisory lock taken before the last entry
/// is read; on SQLite by the write lock of the <c>BEGIN IMMEDIATE</c> transaction the append runs in.
/// </summary>
/// <param name="db">The context to write through.</param>
/// <param name="time">The clock.</param>
public sealed class AuditLog(KagiDbContext db, TimeProvider time)
{
    /// <summary>The PostgreSQL advisory lock key that serializes appends ("KAGIAUDT").</summary>
    public const long PostgresLockKey = 0x4B41474941554454;

    // The entry this log appended last and the transaction it was written in (see AppendInTransactionAsync).
    private (Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction Transaction, AuditHead Head)? _appended;

    private static readonly JsonSerializerOptions DetailsJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Appends an entry. Inside a transaction of the caller (the context's current transaction) the entry commits or
    /// rolls back with the caller's changes; without one, the append runs in a transaction of its own. The context's
    /// other pending changes are saved too. Append audit entries last in a transaction: the append holds the log's
    /// lock until the transaction ends. On SQLite the caller's transaction must be a write transaction
    /// (<see cref="KagiDatabase.BeginWriteTransactionAsync"/>).
    /// </summary>
    /// <param name="actor">Who acted.</param>
    /// <param name="action">Stable action code, see <see cref="AuditActions"/>.</param>
    /// <param name="subject">What it was done to, e.g. "token:SERIAL".</param>
    /// <param name="details">Details, stored as compact JSON; null for "{}".</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The stored entry.</returns>
    /// <exception cref="ArgumentException">A text is empty or longer than the column.</exception>
    /// <exception cref="DbUpdateException">Saving failed (the caller's pending changes included).</exception>
    public async Task<AuditEntry> AppendAsync(AuditActor actor, string action, string subject, JsonObject? details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        CheckText(actor.Name, Limits.AuditText, nameof(actor));
        CheckText(actor.Source, Limits.AuditText, nameof(actor));
        CheckText(action, Limits.Code, nameof(action));
        CheckText(subject, Limits.AuditText, nameof(subject));
        string detailsText = details?.ToJsonString(DetailsJson) ?? "{}";

        if (db.Database.CurrentTransaction is not null)
        {
            return await AppendInTransactionAsync(actor, action, subject, detailsText, cancellationToken).ConfigureAwait(false);
        }

        var transaction = await KagiDatabase.BeginWriteTransactionAsync(db, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            AuditEntry entry = await AppendInTransactionAsync(actor, action, subject, detailsText, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return entry;
        }
    }

    /// <summary>Reads the whole chain in order and checks every link and hash.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>Intact, or the first broken sequence number and how it is broken.</returns>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        long expected = 1;
        string previous = AuditChain.Genesis;
        long checkedCount = 0;
        var entries = db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (AuditEntry e in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            checkedCount++;
            if (e.Sequence != expected)
            {
                return new AuditVerification(false, checkedCount, expected, AuditBreak.Missing);
            }

            if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, e.Sequence, AuditBreak.PreviousHashMismatch);
            }

            if (!IsHex64(e.Hash) || !string.Equals(AuditChain.ComputeHash(previous, e), e.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, e.Sequence, AuditBreak.HashMismatch);
            }

            previous = e.Hash;
            expected++;
        }

        return new AuditVerification(true, checkedCount, null, null);
    }

    /// <summary>The latest entry's sequence number and hash.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The head, or null when the log is empty.</returns>
    public Task<AuditHead?> HeadAsync(CancellationToken cancellationToken = default) =>
        CompiledQueries.For<Queries>(db).Head(db, cancellationToken);

    private async Task<AuditEntry> AppendInTransactionAsync(AuditActor actor, string action, string subject, string details, CancellationToken cancellationToken)
    {
        // Within one transaction, after this log's own append, the head is the entry just written: the transaction
        // holds the append lock until it ends (SQLite's write lock; PostgreSQL's transaction-level advisory lock), so
        // nobody else can have appended since. A group commit appends many entries in one transaction this way.
        var transaction = db.Database.CurrentTransaction!;
        AuditHead? head;
        if (_appended is { } last && ReferenceEquals(last.Transaction, transaction))
        {
            head = last.Head;
        }
        else
        {
            if (KagiDatabase.IsPostgres(db))
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken).ConfigureAwait(false);
            }

            head = await HeadAsync(cancellationToken).ConfigureAwait(false);
        }

        var entry = new AuditEntry
        {
            Sequence = (head?.Sequence ?? 0) + 1,
            At = UnixMicroseconds.Truncate(time.GetUtcNow()),
            Actor = actor.Name,
            Source = actor.Source,
            Action = action,
            Subject = subject,
            Details = details,
            PreviousHash = head?.Hash ?? AuditChain.Genesis,
            Hash = string.Empty,
        };
        entry.Hash = AuditChain.ComputeHash(entry.PreviousHash, entry);
        db.AuditEntries.Add(entry);
        _appended = null;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _appended = (transaction, new AuditHead(entry.Sequence, entry.Hash));
        db.Entry(entry).State = EntityState.Detached;
        return entry;
    }

    private static bool IsHex64(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigitLower);

    private static void CheckText(string value, int max, string parameter)
    {
        if (string.IsNullOrEmpty(value) || value.Length > max)
        {
            throw new ArgumentException("Audit text must be 1 to " + max.ToString(System.Globalization.CultureInfo.InvariantCulture) + " characters.", parameter);
        }
    }

    private sealed class Queries
    {
        // Read before every append (the chain's head), so compiled (see CompiledQueries).
        public readonly Func<KagiDbContext, CancellationToken, Task<AuditHead?>> Head =
            EF.CompileAsyncQuery((KagiDbContext db, CancellationToken cancellationToken) =>
                db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new AuditHead(e.Sequence, e.Hash)).FirstOrDefault());
    }
}
