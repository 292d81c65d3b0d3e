using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Profiles;

/// <summary>The extensions of a user's certificate.</summary>
internal static class EndEntityExtensions
{
    /// <summary>
    /// basicConstraints CA:FALSE (critical), keyUsage digitalSignature (critical), extKeyUsage clientAuth,
    /// subjectKeyIdentifier (SHA-1 of the public key), authorityKeyIdentifier (the issuer's key identifier),
    /// cRLDistributionPoints and authorityInfoAccess (caIssuers, and ocsp when configured), in that order.
    /// </summary>
    public static IEnumerable<X509Extension> For(PublicKey subjectKey, X509SubjectKeyIdentifierExtension issuerKeyIdentifier, EndEntityProfile profile)
    {
        yield return new X509BasicConstraintsExtension(false, false, 0, critical: true);
        yield return new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true);
        yield return new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], critical: false);
        yield return new X509SubjectKeyIdentifierExtension(subjectKey, critical: false);
        yield return X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyIdentifier);
        yield return CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([profile.CrlDistributionPointUrl.AbsoluteUri]);
        yield return new X509AuthorityInformationAccessExtension(
            profile.AiaOcspUrl is { } ocsp ? [ocsp.AbsoluteUri] : null, [profile.AiaCaIssuersUrl.AbsoluteUri]);
    }
}
