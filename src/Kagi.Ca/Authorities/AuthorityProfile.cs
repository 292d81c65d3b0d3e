using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Authorities;

/// <summary>What a CA certificate says about itself: subject, lifetime and path length constraint.</summary>
/// <param name="Subject">The CA's distinguished name (see <see cref="Name"/>).</param>
/// <param name="Validity">Lifetime from the moment of creation; an issuing CA's is cut at its parent's notAfter.</param>
/// <param name="PathLength">The basicConstraints pathLenConstraint: how many CA levels may follow below this CA (1 for a
/// root above issuing CAs, 0 for an issuing CA); null for no constraint.</param>
public sealed record AuthorityProfile(X500DistinguishedName Subject, TimeSpan Validity, int? PathLength)
{
    /// <summary>
    /// A CA name in the order C, O, CN (the encoded order, most significant first; .NET's
    /// <see cref="X500DistinguishedName.Name"/> prints it reversed). C is a PrintableString, O and CN UTF8Strings.
    /// </summary>
    /// <param name="country">Two-letter ISO 3166 country code, e.g. "JP".</param>
    /// <param name="organization">Organization name.</param>
    /// <param name="commonName">The CA's common name, e.g. "Example Root CA G1".</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentException">A value is empty, or the country is not two letters.</exception>
    public static X500DistinguishedName Name(string country, string organization, string commonName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organization);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        if (country is not { Length: 2 } || !char.IsAsciiLetterUpper(country[0]) || !char.IsAsciiLetterUpper(country[1]))
        {
            throw new ArgumentException("The country must be two upper-case letters.", nameof(country));
        }

        // The builder encodes the RDNs in the reverse of the order they are added.
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(Formats.Oids.CommonName, commonName, UniversalTagNumber.UTF8String);
        builder.AddOrganizationName(organization);
        builder.AddCountryOrRegion(country);
        return builder.Build();
    }
}
