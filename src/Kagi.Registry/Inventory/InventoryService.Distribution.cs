using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
            Token? token = await db.Tokens.SingleOrDefaultAsync(t => t.Serial == tokenSerial, cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return new DistributionResult(DistributionCode.TokenNotFound, null);
            }

            if (token.State is not (TokenState.InStock or TokenState.Assigned))
            {
                return new DistributionResult(DistributionCode.WrongState, token.State);
            }

            if (!IsSubjectPublicKeyInfo(distributionPublicKey))
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
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new DistributionResult(DistributionCode.Recorded, token.State);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsSubjectPublicKeyInfo(byte[] der)
    {
        try
        {
            PublicKey.CreateFromSubjectPublicKeyInfo(der, out int read);
            return read == der.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
