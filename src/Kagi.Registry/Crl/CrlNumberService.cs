using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Crl;

/// <summary>
/// Hands out CRL numbers per issuing CA: 1, 2, 3, … without repeats across threads and server instances (an
/// <c>INSERT … ON CONFLICT DO NOTHING</c> then <c>UPDATE … SET last_number = last_number + 1</c> in one write
/// transaction; the same SQL on SQLite and PostgreSQL).
/// </summary>
/// <param name="db">The context to work through.</param>
public sealed class CrlNumberService(KagiDbContext db)
{
    /// <summary>The next CRL number for <paramref name="issuerCaId"/>.</summary>
    /// <param name="issuerCaId">The issuing CA (1 to 128 characters).</param>
    /// <param name="cancellationToken">Cancels the database work (the number is not used up then).</param>
    /// <returns>The number, committed.</returns>
    /// <exception cref="ArgumentException"><paramref name="issuerCaId"/> is empty or too long.</exception>
    public async Task<long> NextAsync(string issuerCaId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(issuerCaId) || issuerCaId.Length > Limits.CaId)
        {
            throw new ArgumentException("An issuer id is 1 to 128 characters.", nameof(issuerCaId));
        }

        return await WriteOperation.RunAsync(db, async transaction =>
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO crl_states (issuer_ca_id, last_number) VALUES ({issuerCaId}, 0) ON CONFLICT (issuer_ca_id) DO NOTHING",
                cancellationToken).ConfigureAwait(false);
            await db.CrlStates.Where(c => c.IssuerCaId == issuerCaId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastNumber, c => c.LastNumber + 1), cancellationToken).ConfigureAwait(false);
            long number = await db.CrlStates.AsNoTracking().Where(c => c.IssuerCaId == issuerCaId).Select(c => c.LastNumber)
                .SingleAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return number;
        }, cancellationToken).ConfigureAwait(false);
    }
}
