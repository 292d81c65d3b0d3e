using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Profiles;

/// <summary>Builds a user's subject name from registration data and the profile.</summary>
public static class EndEntitySubject
{
    /// <summary>
    /// The subject, with RDNs in this encoded order (most significant first): C, O, OU (when the profile has one),
    /// CN = romanized name, serialNumber = prefix + certificate ID. OpenSSL prints it in that order
    /// ("C=JP, O=…, OU=…, CN=YAMADA Taro, serialNumber=FC000123"); .NET's <see cref="X500DistinguishedName.Name"/>
    /// prints it reversed. C and serialNumber are PrintableStrings, O, OU and CN UTF8Strings.
    /// </summary>
    /// <param name="subject">The registration data.</param>
    /// <param name="profile">The profile (organization, unit, country, prefix).</param>
    /// <returns>The name.</returns>
    /// <exception cref="CaException"><see cref="CaError.InvalidSubjectData"/> when the name or ID break the rules of
    /// <see cref="SubjectData"/>; <see cref="CaError.InvalidProfile"/> when the profile is invalid.</exception>
    public static X500DistinguishedName Build(SubjectData subject, EndEntityProfile profile)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        string certificateId = profile.CertificateIdPrefix + subject.CertificateId;
        bool valid = SubjectText.IsValid(subject.RomanizedName, SubjectText.MaxLength) && SubjectText.IsPrintable(subject.RomanizedName)
            && subject.CertificateId is { Length: > 0 } && subject.CertificateId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && certificateId.Length <= SubjectText.MaxLength;
        if (!valid)
        {
            throw new CaException(CaError.InvalidSubjectData);
        }

        // The builder encodes the RDNs in the reverse of the order they are added.
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(Oids.SerialNumber, certificateId, UniversalTagNumber.PrintableString);
        builder.Add(Oids.CommonName, subject.RomanizedName, UniversalTagNumber.UTF8String);
        if (profile.OrganizationalUnit is { } unit)
        {
            builder.AddOrganizationalUnitName(unit);
        }

        builder.AddOrganizationName(profile.Organization);
        builder.AddCountryOrRegion(profile.Country);
        return builder.Build();
    }
}
