using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Profiles;

/// <summary>The extensions of a user's certificate.</summary>
internal static class EndEntityExtensions
{
    /// <summary>basicConstraints, keyUsage and extKeyUsage: the same in every user's certificate, as DER Extension values.</summary>
    private static readonly byte[][] Leading =
    [
        Encode(new X509BasicConstraintsExtension(false, false, 0, critical: true)),
        Encode(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true)),
        Encode(new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], critical: false)),
    ];

    /// <summary>The extensions after subjectKeyIdentifier, which depend only on the issuer and profile, as DER Extension values.</summary>
    public static byte[][] EncodeIssuerPart(X509SubjectKeyIdentifierExtension issuerKeyIdentifier, EndEntityProfile profile) =>
        [.. Issuer(issuerKeyIdentifier, profile).Select(Encode)];

    /// <summary>
    /// Writes, as the content of an Extensions SEQUENCE and in this order: basicConstraints CA:FALSE (critical), keyUsage
    /// digitalSignature (critical), extKeyUsage clientAuth, subjectKeyIdentifier (SHA-1 of the public key),
    /// authorityKeyIdentifier (the issuer's key identifier), cRLDistributionPoints and authorityInfoAccess (caIssuers,
    /// and ocsp when configured); byte for byte what <see cref="CertificateRequest"/> writes for the .NET extension
    /// objects of the same values.
    /// </summary>
    /// <param name="writer">The writer, inside the Extensions SEQUENCE.</param>
    /// <param name="subjectKey">The subject's public key.</param>
    /// <param name="issuerPart">The result of <see cref="EncodeIssuerPart"/> for the issuer and profile.</param>
    public static void Write(AsnWriter writer, PublicKey subjectKey, byte[][] issuerPart)
    {
        foreach (byte[] extension in Leading)
        {
            writer.WriteEncodedValue(extension);
        }

        // subjectKeyIdentifier as X509SubjectKeyIdentifierExtension(PublicKey) makes it: RFC 5280 method 1, the SHA-1
        // of the subjectPublicKey bits, in an OCTET STRING.
        Span<byte> identifier = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 5280 method 1 key identifier, not a signature
        SHA1.HashData(subjectKey.EncodedKeyValue.RawData, identifier);
#pragma warning restore CA5350
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(SubjectKeyIdentifierOid);
            using (writer.PushOctetString())
            {
                writer.WriteOctetString(identifier);
            }
        }

        foreach (byte[] extension in issuerPart)
        {
            writer.WriteEncodedValue(extension);
        }
    }

    private const string SubjectKeyIdentifierOid = "2.5.29.14";

    private static IEnumerable<X509Extension> Issuer(X509SubjectKeyIdentifierExtension issuerKeyIdentifier, EndEntityProfile profile)
    {
        yield return X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyIdentifier);
        yield return CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([profile.CrlDistributionPointUrl.AbsoluteUri]);
        yield return new X509AuthorityInformationAccessExtension(
            profile.AiaOcspUrl is { } ocsp ? [ocsp.AbsoluteUri] : null, [profile.AiaCaIssuersUrl.AbsoluteUri]);
    }

    /// <summary>Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }, in DER.</summary>
    private static byte[] Encode(X509Extension extension)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(extension.Oid!.Value!);
            if (extension.Critical)
            {
                writer.WriteBoolean(true);
            }

            writer.WriteOctetString(extension.RawData);
        }

        return writer.Encode();
    }
}
