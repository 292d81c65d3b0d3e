using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Revocation;
using Kagi.Registry.Authorities;
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

/// <summary>A CRL just published.</summary>
/// <param name="IssuerId">The CA that signed it.</param>
/// <param name="Number">Its CRL number.</param>
/// <param name="ThisUpdate">Its thisUpdate.</param>
/// <param name="NextUpdate">Its nextUpdate.</param>
public sealed record PublishedCrl(string IssuerId, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);

/// <summary>
/// Revokes certificates and publishes the CRL of each issuing CA (kept as a file in the CA folder and served at
/// /pki/{issuerId}.crl): the active CA's, and a retired CA's while any certificate it issued is unexpired. A
/// revocation lands in the CRL of the CA that issued the certificate; CRL numbers run per CA.
/// </summary>
public sealed class CrlPublisher(CaService ca, KagiDbContext db, AuditLog audit, CrlNumberService numbers, IssuingAuthorityStore authorities, TimeProvider time, CrlStore store)
{
    /// <summary>Audit action of a revocation.</summary>
    public const string RevokedAction = AuditActions.CertificateRevoked;

    /// <summary>Revokes <paramref name="serial"/> (hex) with <paramref name="reason"/>, audits it, and publishes a new CRL of its issuer.</summary>
    public async Task<RevocationOutcome> RevokeAsync(string serial, RevocationReason reason, AuditActor actor, CancellationToken ct)
    {
        string normalized = serial.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        string issuerId;
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

            issuerId = certificate.IssuerCaId;
            certificate.RevokedAt = time.GetUtcNow();
            certificate.RevocationReason = reason;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await audit.AppendAsync(actor, RevokedAction, "certificate:" + normalized,
                new System.Text.Json.Nodes.JsonObject { ["reason"] = reason.ToString(), ["issuerId"] = issuerId }, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        db.ChangeTracker.Clear();
        await ca.RefreshAsync(authorities, ct).ConfigureAwait(false);
        if (ca.Find(issuerId) is not null)
        {
            await PublishAsync(issuerId, ct).ConfigureAwait(false);
        }

        return RevocationOutcome.Revoked;
    }

    /// <summary>
    /// Publishes a new CRL of each of <paramref name="issuerIds"/> (distinct; issuers no longer loaded are skipped) after
    /// the registry revoked certificates of theirs in its own transaction (a reissued order's superseded certificate).
    /// </summary>
    /// <param name="issuerIds">The issuing CAs whose certificates were revoked.</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task PublishRevokedAsync(IEnumerable<string> issuerIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issuerIds);
        string[] issuers = issuerIds.Distinct(StringComparer.Ordinal).ToArray();
        if (issuers.Length == 0)
        {
            return;
        }

        await ca.RefreshAsync(authorities, ct).ConfigureAwait(false);
        foreach (string issuerId in issuers.Where(i => ca.Find(i) is not null))
        {
            await PublishAsync(issuerId, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Builds the CRL of issuing CA <paramref name="issuerId"/> with its next CRL number from every certificate it
    /// issued that is revoked, and stores it.
    /// </summary>
    /// <exception cref="ArgumentException">No loaded CA has that identifier.</exception>
    public async Task<PublishedCrl> PublishAsync(string issuerId, CancellationToken ct)
    {
        CertificateAuthority issuer = ca.Find(issuerId) ?? throw new ArgumentException("Unknown issuing CA.", nameof(issuerId));
        long number = await numbers.NextAsync(issuerId, ct).ConfigureAwait(false);
        var revoked = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.IssuerCaId == issuerId && c.RevokedAt != null)
            .Select(c => new { c.Serial, c.RevokedAt, c.RevocationReason })
            .ToListAsync(ct).ConfigureAwait(false);
        Crl crl = CaService.BuildCrl(
            issuer,
            revoked.Select(r => new RevokedCertificate(
                Convert.FromHexString(r.Serial), r.RevokedAt!.Value, r.RevocationReason is { } reason ? (X509RevocationReason)(int)reason : null)),
            number,
            time.GetUtcNow());
        store.Save(issuerId, crl.Der.ToArray(), crl.NextUpdate);
        return new PublishedCrl(issuerId, number, crl.ThisUpdate, crl.NextUpdate);
    }

    /// <summary>
    /// Publishes a new CRL of every CA that publishes one now (<see cref="IsPublishedAsync"/>) and audits it
    /// (<see cref="AuditActions.CrlPublished"/>).
    /// </summary>
    /// <returns>The CRLs published, active CA first.</returns>
    public async Task<IReadOnlyList<PublishedCrl>> PublishAllAsync(AuditActor actor, CancellationToken ct)
    {
        await ca.RefreshAsync(authorities, ct).ConfigureAwait(false);
        var published = new List<PublishedCrl>();
        foreach (CertificateAuthority authority in ca.Authorities.All)
        {
            string id = CaService.IdOf(authority);
            if (await IsPublishedAsync(id, ct).ConfigureAwait(false))
            {
                published.Add(await PublishAsync(id, ct).ConfigureAwait(false));
            }
        }

        var details = new System.Text.Json.Nodes.JsonObject
        {
            ["crls"] = new System.Text.Json.Nodes.JsonArray([.. published.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["issuerId"] = p.IssuerId,
                ["number"] = p.Number,
            })]),
        };
        await authorities.AuditCrlPublishedAsync(actor, details, ct).ConfigureAwait(false);
        return published;
    }

    /// <summary>
    /// True when CA <paramref name="issuerId"/> publishes a CRL now: it is the active CA, or a retired one with at
    /// least one certificate not yet expired (<see cref="AuthoritySet.CanRemove"/> is false). Call after
    /// <see cref="CaService.RefreshAsync"/>.
    /// </summary>
    public async Task<bool> IsPublishedAsync(string issuerId, CancellationToken ct)
    {
        if (ca.Find(issuerId) is null)
        {
            return false;
        }

        if (issuerId == ca.IssuerId)
        {
            return true;
        }

        DateTimeOffset? last = await authorities.LastIssuedNotAfterAsync(issuerId, ct).ConfigureAwait(false);
        return !AuthoritySet.CanRemove(last, time.GetUtcNow());
    }

    /// <summary>The current CRL of <paramref name="issuerId"/>: the stored one while valid, otherwise a freshly published one; null when that CA publishes none.</summary>
    public async Task<byte[]?> CurrentAsync(string issuerId, CancellationToken ct)
    {
        await ca.RefreshAsync(authorities, ct).ConfigureAwait(false);
        if (!await IsPublishedAsync(issuerId, ct).ConfigureAwait(false))
        {
            return null;
        }

        (byte[] Der, DateTimeOffset NextUpdate)? stored = store.Load(issuerId);
        if (stored is { } s && s.NextUpdate > time.GetUtcNow().AddHours(1))
        {
            return s.Der;
        }

        await PublishAsync(issuerId, ct).ConfigureAwait(false);
        return store.Load(issuerId)?.Der;
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
