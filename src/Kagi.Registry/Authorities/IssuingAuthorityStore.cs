using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Authorities;

/// <summary>How adding an issuing CA ended.</summary>
public enum AuthorityAddCode
{
    /// <summary>Recorded (and audited); it is the active CA now.</summary>
    Added,

    /// <summary>Another CA became active since the caller looked (e.g. a rollover on another instance); nothing changed.</summary>
    Conflict,
}

/// <summary>
/// The issuing CAs in the database (<see cref="IssuingAuthority"/>), which every server instance on the database
/// reads: the one with the highest generation is active. Only the CA layer's public data and a key reference are
/// stored here, never key material.
/// </summary>
/// <param name="db">The context to work through.</param>
/// <param name="audit">The audit log on the same context.</param>
/// <param name="time">The clock.</param>
public sealed class IssuingAuthorityStore(KagiDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>Every issuing CA, newest (active) first.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The CAs; empty before the first one is recorded.</returns>
    public async Task<IReadOnlyList<IssuingAuthority>> ListAsync(CancellationToken cancellationToken = default) =>
        await db.IssuingAuthorities.AsNoTracking().OrderByDescending(a => a.Generation).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The generation of the active CA; 0 when none is recorded. One small query, for checking whether a reload is due.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The highest generation.</returns>
    public async Task<int> ActiveGenerationAsync(CancellationToken cancellationToken = default) =>
        await db.IssuingAuthorities.AsNoTracking().Select(a => (int?)a.Generation).MaxAsync(cancellationToken).ConfigureAwait(false) ?? 0;

    /// <summary>
    /// Records the CA created on first start as generation 1, unless some CA is recorded already (another instance,
    /// or an earlier start, did it). Not audited: it is the state the server was installed with.
    /// </summary>
    /// <param name="issuerId">The CA's identifier.</param>
    /// <param name="certificate">Its certificate (DER).</param>
    /// <param name="keyReference">Where its key is.</param>
    /// <param name="notAfter">End of its validity.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>True when this call recorded it.</returns>
    public async Task<bool> RecordFirstAsync(string issuerId, byte[] certificate, string keyReference, DateTimeOffset notAfter, CancellationToken cancellationToken = default)
    {
        Check(issuerId, keyReference);
        ArgumentNullException.ThrowIfNull(certificate);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            if (await db.IssuingAuthorities.AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.IssuingAuthorities.Add(new IssuingAuthority
            {
                IssuerId = issuerId,
                Generation = 1,
                Certificate = [.. certificate],
                KeyReference = keyReference,
                NotAfter = notAfter,
                CreatedAt = time.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return false; // another instance recorded it at the same moment
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a new active CA as generation <paramref name="expectedActiveGeneration"/> + 1, retires the current one,
    /// and audits the rollover (<see cref="AuditActions.CaRolledOver"/>), in one transaction.
    /// </summary>
    /// <param name="issuerId">The new CA's identifier.</param>
    /// <param name="certificate">Its certificate (DER).</param>
    /// <param name="keyReference">Where its key is.</param>
    /// <param name="notAfter">End of its validity.</param>
    /// <param name="expectedActiveGeneration">The generation the caller saw as active; if another CA became active since, nothing is done.</param>
    /// <param name="actor">Who rolled over.</param>
    /// <param name="details">Audit details (subject, key type, ...); the previous and new issuer ids and generation are added.</param>
    /// <param name="cancellationToken">Cancels the database work (nothing is kept then).</param>
    /// <returns>Added, or Conflict.</returns>
    public async Task<AuthorityAddCode> AddActiveAsync(
        string issuerId, byte[] certificate, string keyReference, DateTimeOffset notAfter, int expectedActiveGeneration, AuditActor actor, JsonObject details,
        CancellationToken cancellationToken = default)
    {
        Check(issuerId, keyReference);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(details);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            IssuingAuthority? active = await db.IssuingAuthorities.OrderByDescending(a => a.Generation).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if ((active?.Generation ?? 0) != expectedActiveGeneration)
            {
                return AuthorityAddCode.Conflict;
            }

            DateTimeOffset now = time.GetUtcNow();
            if (active is not null)
            {
                active.RetiredAt = now;
            }

            db.IssuingAuthorities.Add(new IssuingAuthority
            {
                IssuerId = issuerId,
                Generation = expectedActiveGeneration + 1,
                Certificate = [.. certificate],
                KeyReference = keyReference,
                NotAfter = notAfter,
                CreatedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return AuthorityAddCode.Conflict; // the same generation was taken by another instance
            }

            details["generation"] = expectedActiveGeneration + 1;
            details["previousIssuerId"] = active?.IssuerId;
            await audit.AppendAsync(actor, AuditActions.CaRolledOver, "ca:" + issuerId, details, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return AuthorityAddCode.Added;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The latest notAfter of the certificates <paramref name="issuerId"/> issued; null when it issued none. A retired
    /// CA publishes CRLs until this time has passed (see <c>AuthoritySet.CanRemove</c>).
    /// </summary>
    /// <param name="issuerId">The CA.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The time, or null.</returns>
    public async Task<DateTimeOffset?> LastIssuedNotAfterAsync(string issuerId, CancellationToken cancellationToken = default)
    {
        // The column holds Unix microseconds, so ordering by it in SQL orders by time.
        return await db.IssuedCertificates.AsNoTracking().Where(c => c.IssuerCaId == issuerId).OrderByDescending(c => c.NotAfter)
            .Select(c => (DateTimeOffset?)c.NotAfter).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Audits that the operator had the CRLs published now (<see cref="AuditActions.CrlPublished"/>).</summary>
    /// <param name="actor">Who asked.</param>
    /// <param name="details">What was published.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>A task that completes when the entry is committed.</returns>
    public async Task AuditCrlPublishedAsync(AuditActor actor, JsonObject details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(details);
        await WriteOperation.RunAsync(db, async transaction =>
        {
            await audit.AppendAsync(actor, AuditActions.CrlPublished, "crl", details, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void Check(string issuerId, string keyReference)
    {
        if (string.IsNullOrEmpty(issuerId) || issuerId.Length > Limits.CaId)
        {
            throw new ArgumentException("An issuer id is 1 to 128 characters.", nameof(issuerId));
        }

        if (string.IsNullOrEmpty(keyReference) || keyReference.Length > Limits.CaId)
        {
            throw new ArgumentException("A key reference is 1 to 128 characters.", nameof(keyReference));
        }
    }
}
