using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Revocation;
using Kagi.Registry.Audit;
using Kagi.Registry.Crl;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Ca;

/// <summary>How a revocation request ended.</summary>
public enum RevocationOutcome
{
    /// <summary>Revoked now.</summary>
    Revoked,

    /// <summary>It was revoked before.</summary>
    AlreadyRevoked,

    /// <summary>No certificate with that serial was issued here.</summary>
    NotFound,
}

/// <summary>Revokes certificates and publishes the issuing CA's CRL (kept as a file in the CA folder and served at /pki).</summary>
public sealed class CrlPublisher(CaService ca, KagiDbContext db, AuditLog audit, CrlNumberService numbers, TimeProvider time, CrlStore store)
{
    /// <summary>Audit action of a revocation.</summary>
    public const string RevokedAction = "certificate.revoked";

    /// <summary>Revokes <paramref name="serial"/> (hex) with <paramref name="reason"/>, audits it, and publishes a new CRL.</summary>
    public async Task<RevocationOutcome> RevokeAsync(string serial, RevocationReason reason, AuditActor actor, CancellationToken ct)
    {
        string normalized = serial.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        await using (var transaction = await KagiDatabase.BeginWriteTransactionAsync(db, ct).ConfigureAwait(false))
        {
            IssuedCertificate? certificate = await db.IssuedCertificates.SingleOrDefaultAsync(c => c.Serial == normalized, ct).ConfigureAwait(false);
            if (certificate is null)
            {
                return RevocationOutcome.NotFound;
            }

            if (certificate.RevokedAt is not null)
            {
                return RevocationOutcome.AlreadyRevoked;
            }

            certificate.RevokedAt = time.GetUtcNow();
            certificate.RevocationReason = reason;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await audit.AppendAsync(actor, RevokedAction, "certificate:" + normalized, new System.Text.Json.Nodes.JsonObject { ["reason"] = reason.ToString() }, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        db.ChangeTracker.Clear();
        await PublishAsync(ct).ConfigureAwait(false);
        return RevocationOutcome.Revoked;
    }

    /// <summary>Builds a CRL with the next CRL number from every revoked certificate of the issuing CA, and stores it.</summary>
    public async Task<Crl> PublishAsync(CancellationToken ct)
    {
        long number = await numbers.NextAsync(ca.IssuerId, ct).ConfigureAwait(false);
        var revoked = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.IssuerCaId == ca.IssuerId && c.RevokedAt != null)
            .Select(c => new { c.Serial, c.RevokedAt, c.RevocationReason })
            .ToListAsync(ct).ConfigureAwait(false);
        Crl crl = ca.BuildCrl(
            revoked.Select(r => new RevokedCertificate(
                Convert.FromHexString(r.Serial), r.RevokedAt!.Value, r.RevocationReason is { } reason ? (X509RevocationReason)(int)reason : null)),
            number,
            time.GetUtcNow());
        store.Save(ca.IssuerId, crl.Der.ToArray(), crl.NextUpdate);
        return crl;
    }

    /// <summary>The current CRL: the stored one while valid, otherwise a freshly published one.</summary>
    public async Task<byte[]> CurrentAsync(CancellationToken ct)
    {
        (byte[] Der, DateTimeOffset NextUpdate)? stored = store.Load(ca.IssuerId);
        if (stored is { } s && s.NextUpdate > time.GetUtcNow().AddHours(1))
        {
            return s.Der;
        }

        return (await PublishAsync(ct).ConfigureAwait(false)).Der.ToArray();
    }
}

/// <summary>CRL files in the CA folder: &lt;issuer&gt;.crl with its nextUpdate in &lt;issuer&gt;.crl.next.</summary>
public sealed class CrlStore(string directory)
{
    /// <summary>Saves atomically (temporary file, then rename).</summary>
    public void Save(string issuerId, byte[] der, DateTimeOffset nextUpdate)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, issuerId + ".crl");
        File.WriteAllBytes(path + ".tmp", der);
        File.WriteAllText(path + ".next.tmp", nextUpdate.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(path + ".next.tmp", path + ".next", overwrite: true);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The stored CRL, if any.</summary>
    public (byte[] Der, DateTimeOffset NextUpdate)? Load(string issuerId)
    {
        string path = Path.Combine(directory, issuerId + ".crl");
        try
        {
            long next = long.Parse(File.ReadAllText(path + ".next"), System.Globalization.CultureInfo.InvariantCulture);
            return (File.ReadAllBytes(path), DateTimeOffset.FromUnixTimeSeconds(next));
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }
}
