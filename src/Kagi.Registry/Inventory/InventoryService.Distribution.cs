using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Inventory;

/// <summary>Recording a token's distribution (the key pair generated on it for authenticating the token).</summary>
public sealed partial class InventoryService
{
    /// <summary>
    /// Stores the distribution public key of a token in stock or assigned, with the SO and transport PINs the
    /// server encrypted (replacing earlier values; a null PIN clears it).
    /// </summary>
    /// <param name="tokenSerial">The token.</param>
    /// <param name="distributionPublicKey">DER SubjectPublicKeyInfo of the key pair generated on the token.</param>
    /// <param name="encryptedSoPin">The SO PIN, encrypted by the server; opaque here.</param>
    /// <param name="encryptedTransportPin">The transport user PIN, encrypted by the server; opaque here.</param>
    /// <param name="actor">Who distributes, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome.</returns>
    public async Task<DistributionResult> RecordDistributionAsync(
        string tokenSerial,
        byte[] distributionPublicKey,
        byte[]? encryptedSoPin,
        byte[]? encryptedTransportPin,
        AuditActor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenSerial);
        ArgumentNullException.ThrowIfNull(distributionPublicKey);
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            DistributionResult result = await RecordInTransactionAsync(tokenSerial, distributionPublicKey, encryptedSoPin, encryptedTransportPin, actor, cancellationToken)
                .ConfigureAwait(false);
            if (result.Code == DistributionCode.Recorded)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers <paramref name="token"/> when no token has its serial yet, and records its distribution (see
    /// <see cref="RecordDistributionAsync"/>), in one transaction: when the distribution is refused (wrong state,
    /// unusable key, conflict) or anything throws, the registration is rolled back with it, so a failure leaves
    /// neither the token nor an audit entry behind. A token already registered is left as it is (its manufacturer
    /// and model are not changed).
    /// </summary>
    /// <param name="token">The token to register if no token has its serial (checked like <see cref="RegisterTokenAsync"/>
    /// then; only the serial is used for a known token).</param>
    /// <param name="distributionPublicKey">DER SubjectPublicKeyInfo of the key pair generated on the token.</param>
    /// <param name="encryptedSoPin">The SO PIN, encrypted by the server; opaque here.</param>
    /// <param name="encryptedTransportPin">The transport user PIN, encrypted by the server; opaque here.</param>
    /// <param name="actor">Who distributes, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work (nothing is kept then).</param>
    /// <returns>The outcome: <see cref="DistributionCode.InvalidToken"/> with <see cref="DistributionResult.Errors"/>
    /// when the unknown token cannot be registered; otherwise as <see cref="RecordDistributionAsync"/>.</returns>
    public async Task<DistributionResult> RegisterAndRecordDistributionAsync(
        NewToken token,
        byte[] distributionPublicKey,
        byte[]? encryptedSoPin,
        byte[]? encryptedTransportPin,
        AuditActor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(distributionPublicKey);
        ArgumentNullException.ThrowIfNull(actor);
        string serial = token.Serial?.Trim() ?? string.Empty;
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            if (!await db.Tokens.AnyAsync(t => t.Serial == serial, cancellationToken).ConfigureAwait(false))
            {
                var errors = new List<InputError>();
                Token? entity = InputValidation.Validate(token, errors);
                if (entity is null)
                {
                    return new DistributionResult(DistributionCode.InvalidToken, null) { Errors = errors };
                }

                entity.CreatedAt = entity.StateChangedAt = time.GetUtcNow();
                db.Tokens.Add(entity);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException)
                {
                    // Registered by someone else at the same moment: nothing of ours is kept.
                    return new DistributionResult(DistributionCode.Conflict, null);
                }

                await audit.AppendAsync(actor, AuditActions.TokenRegistered, "token:" + entity.Serial, new JsonObject { ["id"] = entity.Id }, cancellationToken)
                    .ConfigureAwait(false);
            }

            DistributionResult result = await RecordInTransactionAsync(serial, distributionPublicKey, encryptedSoPin, encryptedTransportPin, actor, cancellationToken)
                .ConfigureAwait(false);
            if (result.Code == DistributionCode.Recorded)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DistributionResult> RecordInTransactionAsync(
        string tokenSerial, byte[] distributionPublicKey, byte[]? encryptedSoPin, byte[]? encryptedTransportPin, AuditActor actor, CancellationToken cancellationToken)
    {
        Token? token = await db.Tokens.SingleOrDefaultAsync(t => t.Serial == tokenSerial, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return new DistributionResult(DistributionCode.TokenNotFound, null);
        }

        if (token.State is not (TokenState.InStock or TokenState.Assigned))
        {
            return new DistributionResult(DistributionCode.WrongState, token.State);
        }

        if (!InputRules.IsDistributionKey(distributionPublicKey))
        {
            return new DistributionResult(DistributionCode.InvalidPublicKey, token.State);
        }

        token.DistributionPublicKey = [.. distributionPublicKey];
        token.DistributedAt = time.GetUtcNow();
        token.EncryptedSoPin = encryptedSoPin is null ? null : [.. encryptedSoPin];
        token.EncryptedTransportPin = encryptedTransportPin is null ? null : [.. encryptedTransportPin];
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new DistributionResult(DistributionCode.Conflict, null);
        }

        var details = new JsonObject { ["spkiSha256"] = Convert.ToHexStringLower(SHA256.HashData(distributionPublicKey)) };
        await audit.AppendAsync(actor, AuditActions.TokenDistributed, "token:" + token.Serial, details, cancellationToken).ConfigureAwait(false);
        return new DistributionResult(DistributionCode.Recorded, token.State);
    }
}
