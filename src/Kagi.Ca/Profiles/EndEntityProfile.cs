namespace Kagi.Ca.Profiles;

/// <summary>
/// The CA's settings for users' certificates: the fixed parts of the subject, the certificate ID prefix, the
/// lifetime and where relying parties find the CRL and the CA certificate (and optionally OCSP).
/// </summary>
public sealed record EndEntityProfile
{
    /// <summary>The organization (subject O), 1–64 characters.</summary>
    public required string Organization { get; init; }

    /// <summary>The organizational unit (subject OU), at most 64 characters; null to leave it out.</summary>
    public string? OrganizationalUnit { get; init; }

    /// <summary>Two upper-case letters (ISO 3166), e.g. "JP" (subject C).</summary>
    public required string Country { get; init; }

    /// <summary>Prefix of the certificate ID in the subject serialNumber, e.g. "FC": ASCII letters and digits.</summary>
    public required string CertificateIdPrefix { get; init; }

    /// <summary>Lifetime of a certificate (default 365 days); cut at the issuing CA's notAfter.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Where the issuing CA's CRL is published (cRLDistributionPoints); an absolute http (or https) URL.</summary>
    public required Uri CrlDistributionPointUrl { get; init; }

    /// <summary>Where the issuing CA's certificate is published (authorityInfoAccess caIssuers); an absolute http (or https) URL.</summary>
    public required Uri AiaCaIssuersUrl { get; init; }

    /// <summary>The OCSP responder (authorityInfoAccess ocsp); null to leave it out.</summary>
    public Uri? AiaOcspUrl { get; init; }

    /// <summary>Checks the profile, e.g. when the configuration is loaded.</summary>
    /// <exception cref="CaException"><see cref="CaError.InvalidProfile"/>: a value is missing, too long, has characters
    /// outside the allowed set, the validity is not positive, or a URL is not absolute http(s).</exception>
    public void Validate()
    {
        bool valid = SubjectText.IsValid(Organization, SubjectText.MaxLength)
            && (OrganizationalUnit is null || SubjectText.IsValid(OrganizationalUnit, SubjectText.MaxLength))
            && Country is { Length: 2 } && char.IsAsciiLetterUpper(Country[0]) && char.IsAsciiLetterUpper(Country[1])
            && CertificateIdPrefix is { Length: > 0 and <= 16 } && CertificateIdPrefix.All(char.IsAsciiLetterOrDigit)
            && Validity > TimeSpan.Zero
            && IsHttp(CrlDistributionPointUrl) && IsHttp(AiaCaIssuersUrl) && (AiaOcspUrl is null || IsHttp(AiaOcspUrl));
        if (!valid)
        {
            throw new CaException(CaError.InvalidProfile);
        }
    }

    private static bool IsHttp(Uri? uri) => uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
