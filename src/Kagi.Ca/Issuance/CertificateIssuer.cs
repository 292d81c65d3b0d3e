using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Formats;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;

namespace Kagi.Ca.Issuance;

/// <summary>Issues users' certificates.</summary>
public static class CertificateIssuer
{
    /// <summary>
    /// Issues a certificate for the key in <paramref name="csr"/>. The subject comes from <paramref name="subject"/>
    /// and <paramref name="profile"/> (<see cref="EndEntitySubject.Build"/>), never from the request; the extensions are
    /// basicConstraints CA:FALSE (critical), keyUsage digitalSignature (critical), extKeyUsage clientAuth,
    /// subjectKeyIdentifier, authorityKeyIdentifier (the CA's key identifier), cRLDistributionPoints and
    /// authorityInfoAccess (caIssuers, ocsp when configured). Validity runs from <paramref name="now"/> (whole seconds)
    /// for the profile's validity, cut at the CA's notAfter. The CA's key signs (on its token, for a token key).
    /// </summary>
    /// <param name="authority">The issuing CA.</param>
    /// <param name="csr">The validated request.</param>
    /// <param name="subject">The registration data.</param>
    /// <param name="profile">The end-entity profile.</param>
    /// <param name="now">The current time.</param>
    /// <param name="serial">The serial number (see <see cref="SerialNumbers.New"/>), recorded by the caller before issuing.</param>
    /// <returns>The certificate, without private key.</returns>
    /// <exception cref="CaException"><see cref="CaError.AuthorityNotValid"/> when the CA is not valid at <paramref name="now"/>;
    /// <see cref="CaError.InvalidSubjectData"/>; <see cref="CaError.InvalidProfile"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serial"/> is not a valid serial (<see cref="SerialNumbers.IsValid"/>).</exception>
    public static X509Certificate2 Issue(
        CertificateAuthority authority, ValidatedCsr csr, SubjectData subject, EndEntityProfile profile, DateTimeOffset now, byte[] serial)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(csr);
        ArgumentNullException.ThrowIfNull(serial);
        X500DistinguishedName name = EndEntitySubject.Build(subject, profile);
        if (!SerialNumbers.IsValid(serial))
        {
            throw new ArgumentException("The serial number is not a positive DER integer of 1 to 20 bytes.", nameof(serial));
        }

        if (!authority.IsValidAt(now))
        {
            throw new CaException(CaError.AuthorityNotValid);
        }

        DateTimeOffset notBefore = CertificateTimes.Truncate(now);
        DateTimeOffset notAfter = notBefore + profile.Validity;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }

        var request = new CertificateRequest(name, csr.PublicKey, authority.Key.HashAlgorithm);
        foreach (X509Extension extension in EndEntityExtensions.For(csr.PublicKey, authority.SubjectKeyIdentifierExtension, profile))
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.Create(authority.Name, authority.Key.SignatureGenerator, notBefore, notAfter, serial);
    }
}
