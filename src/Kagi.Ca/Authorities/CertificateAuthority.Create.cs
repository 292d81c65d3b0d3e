using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;

namespace Kagi.Ca.Authorities;

/// <summary>Creation of root and issuing CA certificates.</summary>
public sealed partial class CertificateAuthority
{
    /// <summary>
    /// Creates a self-signed root CA. Extensions: basicConstraints CA:TRUE with the profile's path length (critical),
    /// keyUsage keyCertSign and cRLSign (critical), subjectKeyIdentifier (SHA-1 of the public key) and an
    /// authorityKeyIdentifier equal to it. Validity runs from <paramref name="now"/> (whole seconds) for the profile's
    /// validity; the serial number is random (<see cref="SerialNumbers.New"/>).
    /// </summary>
    /// <param name="key">The root key; the authority takes ownership of it.</param>
    /// <param name="profile">Subject, validity and path length.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The root CA.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The validity is not positive or the path length is negative.</exception>
    public static CertificateAuthority CreateRoot(ICaKey key, AuthorityProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(profile);
        Check(profile);
        var ski = new X509SubjectKeyIdentifierExtension(key.PublicKey, critical: false);
        DateTimeOffset notBefore = CertificateTimes.Truncate(now);
        X509Certificate2 certificate = Sign(
            profile, key, ski, profile.Subject, key.SignatureGenerator, key.HashAlgorithm, ski, notBefore, notBefore + profile.Validity);
        return Adopt(certificate, key);
    }

    /// <summary>
    /// Creates an issuing (intermediate) CA signed by <paramref name="parent"/>, with the extensions listed at
    /// <see cref="CreateRoot"/> and an authorityKeyIdentifier naming the parent's key. Its notAfter is cut at the
    /// parent's notAfter.
    /// </summary>
    /// <param name="parent">The signing CA (usually the root).</param>
    /// <param name="key">The new CA's key; the authority takes ownership of it.</param>
    /// <param name="profile">Subject, validity and path length.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The issuing CA.</returns>
    /// <exception cref="CaException"><see cref="CaError.AuthorityNotValid"/> when the parent is not valid at
    /// <paramref name="now"/>; <see cref="CaError.PathLengthExceeded"/> when the parent's path length does not allow this CA.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The validity is not positive or the path length is negative.</exception>
    public static CertificateAuthority CreateIssuing(CertificateAuthority parent, ICaKey key, AuthorityProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(profile);
        Check(profile);
        if (!parent.IsValidAt(now))
        {
            throw new CaException(CaError.AuthorityNotValid);
        }

        X509BasicConstraintsExtension parentConstraints = parent.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().First();
        if (parentConstraints.HasPathLengthConstraint &&
            (parentConstraints.PathLengthConstraint == 0 || (profile.PathLength ?? int.MaxValue) >= parentConstraints.PathLengthConstraint))
        {
            throw new CaException(CaError.PathLengthExceeded);
        }

        DateTimeOffset notBefore = CertificateTimes.Truncate(now);
        DateTimeOffset notAfter = notBefore + profile.Validity;
        if (notAfter > parent.NotAfter)
        {
            notAfter = parent.NotAfter;
        }

        X509Certificate2 certificate = Sign(
            profile,
            key,
            new X509SubjectKeyIdentifierExtension(key.PublicKey, critical: false),
            parent.Name,
            parent.Key.SignatureGenerator,
            parent.Key.HashAlgorithm,
            parent.SubjectKeyIdentifierExtension,
            notBefore,
            notAfter);
        return Adopt(certificate, key);
    }

    private static void Check(AuthorityProfile profile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(profile.Validity, TimeSpan.Zero, nameof(profile));
        if (profile.PathLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(profile));
        }
    }

    private static X509Certificate2 Sign(
        AuthorityProfile profile,
        ICaKey key,
        X509SubjectKeyIdentifierExtension ski,
        X500DistinguishedName issuer,
        X509SignatureGenerator generator,
        HashAlgorithmName hash,
        X509SubjectKeyIdentifierExtension issuerSki,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(profile.Subject, key.PublicKey, hash);
        request.CertificateExtensions.Add(
            new X509BasicConstraintsExtension(true, profile.PathLength.HasValue, profile.PathLength ?? 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(ski);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerSki));
        return request.Create(issuer, generator, notBefore, notAfter, SerialNumbers.New());
    }

    private static CertificateAuthority Adopt(X509Certificate2 certificate, ICaKey key)
    {
        try
        {
            return new CertificateAuthority(certificate, key);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }
}
