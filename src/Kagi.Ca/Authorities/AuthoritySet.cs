using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Authorities;

/// <summary>
/// The issuing CAs under one root, for CA renewal: one <see cref="Active"/> CA issues new certificates; the
/// <see cref="Retired"/> ones issue nothing more but keep signing CRLs for what they issued, until the last of those
/// certificates has expired (<see cref="CanRemove"/>), when they can be dropped (<see cref="Remove"/>).
/// The set is immutable and does not own the authorities (the caller disposes them).
/// </summary>
public sealed class AuthoritySet
{
    /// <summary>Creates the set.</summary>
    /// <param name="root">The root CA certificate.</param>
    /// <param name="active">The issuing CA for new certificates.</param>
    /// <param name="retired">Earlier issuing CAs, newest first.</param>
    /// <exception cref="CaException"><see cref="CaError.NotIssuedByRoot"/> when an issuing CA's issuer name is not the root's
    /// subject or its signature does not verify with the root's key (ECDSA or RSA PKCS#1 v1.5
    /// signatures with SHA-256/384/512 are checked).</exception>
    public AuthoritySet(X509Certificate2 root, CertificateAuthority active, IEnumerable<CertificateAuthority>? retired = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(active);
        Root = root;
        Active = active;
        Retired = [.. retired ?? []];
        foreach (CertificateAuthority authority in All)
        {
            if (!IssuedBy(authority.Certificate, root))
            {
                throw new CaException(CaError.NotIssuedByRoot);
            }
        }
    }

    /// <summary>The root CA certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The issuing CA for new certificates.</summary>
    public CertificateAuthority Active { get; }

    /// <summary>Earlier issuing CAs, newest first: they sign CRLs only.</summary>
    public IReadOnlyList<CertificateAuthority> Retired { get; }

    /// <summary>The active CA followed by the retired ones.</summary>
    public IEnumerable<CertificateAuthority> All => Retired.Prepend(Active);

    /// <summary>
    /// True when a retired CA may be removed: every certificate it issued has expired, i.e. <paramref name="now"/> is past
    /// the latest notAfter among them, so no CRL from it is needed any more.
    /// </summary>
    /// <param name="lastIssuedNotAfter">The latest notAfter of the certificates the CA issued; null if it issued none.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when the CA may be removed.</returns>
    public static bool CanRemove(DateTimeOffset? lastIssuedNotAfter, DateTimeOffset now) => lastIssuedNotAfter is not { } last || now > last;

    /// <summary>
    /// True when the active CA should be renewed: a certificate issued now with the full <paramref name="endEntityValidity"/>
    /// would outlive it (and would be cut at the CA's notAfter).
    /// </summary>
    public bool NeedsRenewal(DateTimeOffset now, TimeSpan endEntityValidity) => Active.NotAfter < now + endEntityValidity;

    /// <summary>A set in which <paramref name="next"/> is active and the current active CA is the newest retired one.</summary>
    /// <exception cref="CaException"><see cref="CaError.NotIssuedByRoot"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="next"/> is already in the set.</exception>
    public AuthoritySet Renew(CertificateAuthority next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (All.Contains(next))
        {
            throw new ArgumentException("The CA is already in the set.", nameof(next));
        }

        return new AuthoritySet(Root, next, All);
    }

    /// <summary>A set without the retired CA <paramref name="retired"/> (once <see cref="CanRemove"/> allows it).</summary>
    /// <exception cref="ArgumentException"><paramref name="retired"/> is the active CA or not in the set.</exception>
    public AuthoritySet Remove(CertificateAuthority retired)
    {
        if (!Retired.Contains(retired))
        {
            throw new ArgumentException("Only a retired CA of this set can be removed.", nameof(retired));
        }

        return new AuthoritySet(Root, Active, Retired.Where(a => a != retired));
    }

    /// <summary>The CA whose subject key identifier is <paramref name="keyIdentifier"/>; null when none is.</summary>
    public CertificateAuthority? FindByKeyIdentifier(ReadOnlySpan<byte> keyIdentifier)
    {
        foreach (CertificateAuthority authority in All)
        {
            if (authority.KeyIdentifier.Span.SequenceEqual(keyIdentifier))
            {
                return authority;
            }
        }

        return null;
    }

    /// <summary>
    /// The CA of this set that issued <paramref name="certificate"/>: matched by authority key identifier, and the
    /// signature checked with that CA's public key.
    /// </summary>
    /// <returns>The issuer, or null when no CA of the set issued the certificate.</returns>
    public CertificateAuthority? FindIssuerOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        X509AuthorityKeyIdentifierExtension? aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        if (aki?.KeyIdentifier is not { } keyId || FindByKeyIdentifier(keyId.Span) is not { } authority)
        {
            return null;
        }

        return IssuedBy(certificate, authority.Certificate) ? authority : null;
    }

    /// <summary>True when <paramref name="certificate"/> names <paramref name="issuer"/> as issuer and its signature verifies with its key.</summary>
    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 issuer) =>
        certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData) &&
        SignedData.Verify(certificate.RawData, issuer.PublicKey);
}
