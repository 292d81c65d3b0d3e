using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Revocation;

/// <summary>Builds the CRLs of an issuing CA (active or retired).</summary>
public static class CrlBuilder
{
    /// <summary>
    /// Builds and signs a full CRL (v2) with the CA's key: one entry per revoked certificate (serial, revocation time,
    /// reasonCode unless unspecified), the cRLNumber and authorityKeyIdentifier extensions, thisUpdate and nextUpdate.
    /// </summary>
    /// <param name="authority">The CA that issued the revoked certificates.</param>
    /// <param name="revoked">The revoked certificates (may be empty).</param>
    /// <param name="crlNumber">The CRL number: non-negative, larger than the previous CRL's, at most 20 bytes.</param>
    /// <param name="thisUpdate">The issue time.</param>
    /// <param name="nextUpdate">When the next CRL will be issued at the latest.</param>
    /// <returns>The CRL.</returns>
    /// <exception cref="CaException"><see cref="CaError.AuthorityNotValid"/> when the CA certificate is not valid at <paramref name="thisUpdate"/>.</exception>
    /// <exception cref="ArgumentException">An entry's serial is not valid (<see cref="Issuance.SerialNumbers.IsValid"/>) or
    /// its reason is removeFromCRL (delta CRLs only).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nextUpdate"/> is not after <paramref name="thisUpdate"/>,
    /// or <paramref name="crlNumber"/> is negative or longer than 20 bytes.</exception>
    public static Crl Build(
        CertificateAuthority authority, IEnumerable<RevokedCertificate> revoked, BigInteger crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(revoked);
        DateTimeOffset from = CertificateTimes.Truncate(thisUpdate);
        DateTimeOffset until = CertificateTimes.Truncate(nextUpdate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(until, from, nameof(nextUpdate));
        if (crlNumber.Sign < 0 || crlNumber.GetByteCount() > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(crlNumber));
        }

        if (!authority.IsValidAt(thisUpdate))
        {
            throw new CaException(CaError.AuthorityNotValid);
        }

        var builder = new CertificateRevocationListBuilder();
        foreach (RevokedCertificate entry in revoked)
        {
            if (!Issuance.SerialNumbers.IsValid(entry.SerialNumber) || entry.Reason == X509RevocationReason.RemoveFromCrl)
            {
                throw new ArgumentException("A revoked entry has an invalid serial number or reason.", nameof(revoked));
            }

            X509RevocationReason? reason = entry.Reason == X509RevocationReason.Unspecified ? null : entry.Reason;
            builder.AddEntry(entry.SerialNumber, CertificateTimes.Truncate(entry.RevokedAt), reason);
        }

        byte[] der = builder.Build(
            authority.Name,
            authority.Key.SignatureGenerator,
            crlNumber,
            until,
            authority.Key.HashAlgorithm,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(authority.SubjectKeyIdentifierExtension),
            from);
        return new Crl(der, crlNumber, from, until);
    }
}
