using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.ApiKeys;

/// <summary>
/// API keys for the admin API. A key is "kagi_" + base64url(32 random bytes); only SHA-256 of its UTF-8 text is
/// stored (a fast hash is enough for 256-bit random secrets). Keys are looked up by that hash, and the stored hash
/// is then compared in constant time.
/// </summary>
/// <param name="db">The context to work through.</param>
/// <param name="audit">The audit log on the same context.</param>
/// <param name="time">The clock.</param>
public sealed class ApiKeyService(KagiDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The prefix of every key (lets secret scanners recognize leaked keys).</summary>
    public const string Prefix = "kagi_";

    private const int KeyLength = 5 + 43;

    /// <summary>Creates a key.</summary>
    /// <param name="name">What it is for (1 to 100 characters).</param>
    /// <param name="actor">Who creates it, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The key, returned only here.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or too long.</exception>
    public async Task<CreatedApiKey> CreateAsync(string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > Limits.ApiKeyName)
        {
            throw new ArgumentException("A key name is 1 to 100 characters.", nameof(name));
        }

        string key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiKey { Name = name, Hash = HashOf(key), CreatedAt = time.GetUtcNow() };
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            db.ApiKeys.Add(entity);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(actor, AuditActions.ApiKeyCreated, "api-key:" + entity.Id, new JsonObject { ["name"] = name }, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new CreatedApiKey(entity.Id, key);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a presented key.</summary>
    /// <param name="presentedKey">The key from the request (null or malformed is Unknown).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Valid with the key's id and name, Revoked, or Unknown.</returns>
    public async Task<ApiKeyVerification> VerifyAsync(string? presentedKey, CancellationToken cancellationToken = default)
    {
        if (presentedKey is null || presentedKey.Length != KeyLength || !presentedKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return new ApiKeyVerification(ApiKeyStatus.Unknown, null, null);
        }

        byte[] hash = HashOf(presentedKey);
        ApiKey? found = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Hash == hash, cancellationToken).ConfigureAwait(false);
        if (found is null || !CryptographicOperations.FixedTimeEquals(found.Hash, hash))
        {
            return new ApiKeyVerification(ApiKeyStatus.Unknown, null, null);
        }

        return new ApiKeyVerification(found.RevokedAt is null ? ApiKeyStatus.Valid : ApiKeyStatus.Revoked, found.Id, found.Name);
    }

    /// <summary>Revokes a key.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="actor">Who revokes it, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>Revoked, NotFound or AlreadyRevoked.</returns>
    public async Task<ApiKeyRevocation> RevokeAsync(long id, AuditActor actor, CancellationToken cancellationToken = default)
    {
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            DateTimeOffset now = time.GetUtcNow();
            int updated = await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken).ConfigureAwait(false);
            if (updated == 0)
            {
                bool exists = await db.ApiKeys.AnyAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
                return exists ? ApiKeyRevocation.AlreadyRevoked : ApiKeyRevocation.NotFound;
            }

            await audit.AppendAsync(actor, AuditActions.ApiKeyRevoked, "api-key:" + id, null, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return ApiKeyRevocation.Revoked;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] HashOf(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
