using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Formats;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;

namespace Kagi.Ca.Issuance;

/// <summary>Issues users' certificates.</summary>
public static class CertificateIssuer
{
    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>
    /// Issues a certificate for the key in <paramref name="csr"/> and loads it as an <see cref="X509Certificate2"/>: the
    /// certificate of <see cref="IssueEncoded"/>, with the same checks. Loading costs more than encoding and signing;
    /// callers that only store and send the certificate should use <see cref="IssueEncoded"/>.
    /// </summary>
    /// <param name="authority">The issuing CA.</param>
    /// <param name="csr">The validated request.</param>
    /// <param name="subject">The registration data.</param>
    /// <param name="profile">The end-entity profile.</param>
    /// <param name="now">The current time.</param>
    /// <param name="serial">The serial number (see <see cref="SerialNumbers.New"/>), recorded by the caller before issuing.</param>
    /// <returns>The certificate, without private key; the caller disposes it.</returns>
    /// <exception cref="CaException"><see cref="CaError.AuthorityNotValid"/> when the CA is not valid at <paramref name="now"/>;
    /// <see cref="CaError.InvalidSubjectData"/>; <see cref="CaError.InvalidProfile"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serial"/> is not a valid serial (<see cref="SerialNumbers.IsValid"/>).</exception>
    public static X509Certificate2 Issue(
        CertificateAuthority authority, ValidatedCsr csr, SubjectData subject, EndEntityProfile profile, DateTimeOffset now, byte[] serial) =>
        X509CertificateLoader.LoadCertificate(IssueEncoded(authority, csr, subject, profile, now, serial).Der.Span);

    /// <summary>
    /// Issues a certificate for the key in <paramref name="csr"/>, encoded here and signed by the CA's key, without
    /// creating an <see cref="X509Certificate2"/>. The subject comes from <paramref name="subject"/> and
    /// <paramref name="profile"/> (<see cref="EndEntitySubject.Build"/>), never from the request; the extensions are
    /// basicConstraints CA:FALSE (critical), keyUsage digitalSignature (critical), extKeyUsage clientAuth,
    /// subjectKeyIdentifier, authorityKeyIdentifier (the CA's key identifier), cRLDistributionPoints and
    /// authorityInfoAccess (caIssuers, ocsp when configured), in that order. Validity runs from <paramref name="now"/>
    /// (whole seconds) for the profile's validity, cut at the CA's notAfter; times before 2050 are UTCTime, from 2050
    /// GeneralizedTime (RFC 5280). The TBSCertificate is byte for byte the one <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, byte[])"/>
    /// makes for the same input. The CA's key signs through its <see cref="Keys.ICaKey.SignatureGenerator"/> (on its
    /// token, for a token key).
    /// </summary>
    /// <param name="authority">The issuing CA.</param>
    /// <param name="csr">The validated request.</param>
    /// <param name="subject">The registration data.</param>
    /// <param name="profile">The end-entity profile.</param>
    /// <param name="now">The current time.</param>
    /// <param name="serial">The serial number (see <see cref="SerialNumbers.New"/>), recorded by the caller before
    /// issuing. Copied: later changes to the array do not reach the result.</param>
    /// <returns>The certificate's DER with its serial, subject, validity and key hash.</returns>
    /// <exception cref="CaException"><see cref="CaError.AuthorityNotValid"/> when the CA is not valid at <paramref name="now"/>;
    /// <see cref="CaError.InvalidSubjectData"/> when the registration data cannot form a subject;
    /// <see cref="CaError.InvalidProfile"/> when the profile is invalid.</exception>
    /// <exception cref="ArgumentException"><paramref name="serial"/> is not a valid serial (<see cref="SerialNumbers.IsValid"/>).</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The CA's key failed to sign (e.g. its token is gone).</exception>
    public static EncodedCertificate IssueEncoded(
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

        // A certificate holds whole seconds; CertificateRequest drops the fraction the same way.
        notAfter = CertificateTimes.Truncate(notAfter);
        byte[] serialCopy = (byte[])serial.Clone();
        IssuanceTemplate template = authority.IssuanceTemplateFor(profile);

        // TBSCertificate ::= SEQUENCE { version [0] v3, serialNumber, signature, issuer, validity, subject,
        //   subjectPublicKeyInfo, extensions [3] }
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(VersionTag))
            {
                writer.WriteInteger(2);
            }

            writer.WriteInteger(serialCopy);
            writer.WriteEncodedValue(template.SignatureAlgorithm);
            writer.WriteEncodedValue(authority.Name.RawData);
            using (writer.PushSequence())
            {
                WriteTime(writer, notBefore);
                WriteTime(writer, notAfter);
            }

            writer.WriteEncodedValue(name.RawData);
            writer.WriteEncodedValue(csr.SubjectPublicKeyInfoBytes);
            using (writer.PushSequence(ExtensionsTag))
            using (writer.PushSequence())
            {
                EndEntityExtensions.Write(writer, csr.PublicKey, template.IssuerExtensions);
            }
        }

        byte[] tbs = writer.Encode();
        byte[] signature = authority.Key.SignatureGenerator.SignData(tbs, authority.Key.HashAlgorithm);

        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
        writer.Reset();
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            writer.WriteEncodedValue(template.SignatureAlgorithm);
            writer.WriteBitString(signature);
        }

        return new EncodedCertificate(writer.Encode(), serialCopy, name, notBefore, notAfter, csr.SubjectPublicKeyInfoSha256.ToArray());
    }

    /// <summary>Time ::= CHOICE { utcTime, generalTime }: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5).</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        if (time.Year is >= 1950 and < 2050)
        {
            writer.WriteUtcTime(time, 2049);
        }
        else
        {
            writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
        }
    }
}
