using Kagi.Ca.Authorities;
using Kagi.Ca.Profiles;

namespace Kagi.Ca.Issuance;

/// <summary>
/// What all users' certificates of one CA and profile share, encoded once: the signature AlgorithmIdentifier and the
/// extensions after subjectKeyIdentifier (authorityKeyIdentifier, cRLDistributionPoints, authorityInfoAccess).
/// </summary>
internal sealed class IssuanceTemplate
{
    private readonly string _crl;
    private readonly string _caIssuers;
    private readonly string? _ocsp;

    private IssuanceTemplate(EndEntityProfile profile, byte[] signatureAlgorithm, byte[][] issuerExtensions)
    {
        _crl = profile.CrlDistributionPointUrl.AbsoluteUri;
        _caIssuers = profile.AiaCaIssuersUrl.AbsoluteUri;
        _ocsp = profile.AiaOcspUrl?.AbsoluteUri;
        SignatureAlgorithm = signatureAlgorithm;
        IssuerExtensions = issuerExtensions;
    }

    /// <summary>The DER AlgorithmIdentifier of the CA key's signatures with its hash.</summary>
    public byte[] SignatureAlgorithm { get; }

    /// <summary>The extensions after subjectKeyIdentifier, DER Extension values (see <see cref="EndEntityExtensions.EncodeIssuerPart"/>).</summary>
    public byte[][] IssuerExtensions { get; }

    public static IssuanceTemplate Create(CertificateAuthority authority, EndEntityProfile profile) => new(
        profile,
        authority.Key.SignatureGenerator.GetSignatureAlgorithmIdentifier(authority.Key.HashAlgorithm),
        EndEntityExtensions.EncodeIssuerPart(authority.SubjectKeyIdentifierExtension, profile));

    /// <summary>True when the template encodes what <paramref name="profile"/> asks for (the same URLs).</summary>
    public bool Fits(EndEntityProfile profile) =>
        string.Equals(_crl, profile.CrlDistributionPointUrl.AbsoluteUri, StringComparison.Ordinal)
        && string.Equals(_caIssuers, profile.AiaCaIssuersUrl.AbsoluteUri, StringComparison.Ordinal)
        && string.Equals(_ocsp, profile.AiaOcspUrl?.AbsoluteUri, StringComparison.Ordinal);
}
