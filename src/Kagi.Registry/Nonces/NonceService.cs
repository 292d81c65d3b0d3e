using System.Buffers.Text;
using System.Security.Cryptography;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Nonces;

/// <summary>
/// Single-use server nonces. Consuming is one conditional UPDATE (<c>… WHERE used_at IS NULL AND expires_at &gt; now</c>),
/// so a nonce is consumed exactly once however many requests race for it.
/// </summary>
/// <param name="db">The context to work through.</param>
/// <param name="time">The clock.</param>
/// <param name="lifetime">How long a nonce is accepted; default 5 minutes.</param>
public sealed class NonceService(KagiDbContext db, TimeProvider time, TimeSpan? lifetime = null)
{
    /// <summary>The default lifetime of a nonce.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly TimeSpan lifetime = lifetime is { } l && l > TimeSpan.Zero ? l : DefaultLifetime;

    /// <summary>Issues a nonce for <paramref name="purpose"/>, optionally bound to one token.</summary>
    /// <param name="purpose">What it may be used for, see <see cref="NoncePurposes"/> (1 to 64 characters).</param>
    /// <param name="tokenSerial">The token it is for, or null.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The nonce and its expiry.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is empty or too long, or <paramref name="tokenSerial"/> is too long.</exception>
    public async Task<IssuedNonce> IssueAsync(string purpose, string? tokenSerial = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(purpose) || purpose.Length > Limits.Code)
        {
            throw new ArgumentException("A purpose is 1 to 64 characters.", nameof(purpose));
        }

        if (tokenSerial is { Length: > Limits.Identifier })
        {
            throw new ArgumentException("A token serial is at most 64 characters.", nameof(tokenSerial));
        }

        DateTimeOffset now = time.GetUtcNow();
        var nonce = new Nonce
        {
            Value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)),
            Purpose = purpose,
            TokenSerial = tokenSerial,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.Nonces.Add(nonce);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.Entry(nonce).State = EntityState.Detached;
        return new IssuedNonce(nonce.Value, nonce.ExpiresAt);
    }

    /// <summary>Consumes a nonce: it must exist, match purpose and token, be unused and unexpired.</summary>
    /// <param name="value">The nonce the client returned.</param>
    /// <param name="purpose">The purpose it must have been issued for.</param>
    /// <param name="tokenSerial">The token it must have been issued to (null: issued to none).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Consumed for exactly one caller; otherwise why not.</returns>
    public async Task<NonceOutcome> ConsumeAsync(string value, string purpose, string? tokenSerial = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(value) || value.Length > Limits.Code)
        {
            return NonceOutcome.NotFound;
        }

        DateTimeOffset now = time.GetUtcNow();
        int updated = await db.Nonces
            .Where(n => n.Value == value && n.Purpose == purpose && n.TokenSerial == tokenSerial && n.UsedAt == null && n.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.UsedAt, now), cancellationToken).ConfigureAwait(false);
        if (updated == 1)
        {
            return NonceOutcome.Consumed;
        }

        Nonce? found = await db.Nonces.AsNoTracking()
            .SingleOrDefaultAsync(n => n.Value == value && n.Purpose == purpose && n.TokenSerial == tokenSerial, cancellationToken)
            .ConfigureAwait(false);
        return found switch
        {
            null => NonceOutcome.NotFound,
            { UsedAt: not null } => NonceOutcome.AlreadyUsed,
            _ => NonceOutcome.Expired,
        };
    }

    /// <summary>Deletes nonces that expired before <paramref name="olderThan"/> (default: now).</summary>
    /// <param name="olderThan">The cut-off; null for now.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many were deleted.</returns>
    public Task<int> PurgeExpiredAsync(DateTimeOffset? olderThan = null, CancellationToken cancellationToken = default)
    {
        DateTimeOffset cutOff = olderThan ?? time.GetUtcNow();
        return db.Nonces.Where(n => n.ExpiresAt <= cutOff).ExecuteDeleteAsync(cancellationToken);
    }
}
