using System.Security.Cryptography.X509Certificates;
using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.ClientAuth;

/// <summary>The registry's word on a presented certificate.</summary>
/// <param name="Known">This server issued exactly this certificate (same serial, issuing CA and DER).</param>
/// <param name="RevokedAt">When it was revoked; null while it is not.</param>
public sealed record ClientCertificateStatus(bool Known, DateTimeOffset? RevokedAt);

/// <summary>
/// Revocation for the client-authentication endpoint, read from the registry the CRLs are built from, so a
/// revocation counts from the moment the operator makes it (no wait for the next CRL).
/// </summary>
public sealed class ClientCertificateRegistry(KagiDbContext db)
{
    /// <summary>Looks up <paramref name="certificate"/> by serial number and issuing CA key identifier.</summary>
    public async Task<ClientCertificateStatus> StatusAsync(X509Certificate2 certificate, CancellationToken ct)
    {
        string? issuer = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } id
            ? Convert.ToHexString(id.Span)
            : null;
        string serial = certificate.SerialNumber;
        var row = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.Serial == serial && c.IssuerCaId == issuer)
            .Select(c => new { c.Der, c.RevokedAt })
            .SingleOrDefaultAsync(ct).ConfigureAwait(false);
        return row is null || !row.Der.AsSpan().SequenceEqual(certificate.RawData)
            ? new ClientCertificateStatus(false, null)
            : new ClientCertificateStatus(true, row.RevokedAt);
    }
}
