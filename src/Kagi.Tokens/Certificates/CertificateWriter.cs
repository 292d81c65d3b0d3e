using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Certificates;

/// <summary>Stores certificates on a token as CKO_CERTIFICATE objects.</summary>
public static class CertificateWriter
{
    /// <summary>
    /// Writes <paramref name="certificate"/> as a public token object with <paramref name="label"/> and
    /// <paramref name="id"/> (the key pair's CKA_ID for an end-entity certificate). CA certificates get
    /// CKA_CERTIFICATE_CATEGORY "authority"; on tokens that do not know that attribute (opencryptoki 3.8 answers
    /// CKR_ATTRIBUTE_TYPE_INVALID) the certificate is written without it.
    /// </summary>
    /// <returns>The new object's handle.</returns>
    /// <exception cref="Pkcs11Exception">The token refused the object.</exception>
    public static ulong Write(Session session, X509Certificate2 certificate, string label, byte[] id, bool authority)
    {
        ObjectAttribute[] attributes =
        [
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
            ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
            ObjectAttribute.Bool(CKA.CKA_TOKEN, true),
            ObjectAttribute.Bool(CKA.CKA_PRIVATE, false),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, label),
            ObjectAttribute.Bytes(CKA.CKA_ID, id),
            ObjectAttribute.Bytes(CKA.CKA_SUBJECT, certificate.SubjectName.RawData),
            ObjectAttribute.Bytes(CKA.CKA_ISSUER, certificate.IssuerName.RawData),
            ObjectAttribute.Bytes(CKA.CKA_SERIAL_NUMBER, SerialNumberDer(certificate)),
            ObjectAttribute.Bytes(CKA.CKA_VALUE, certificate.RawData),
            ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_CATEGORY, authority ? 2UL : 1UL),
        ];
        try
        {
            return session.CreateObject(attributes);
        }
        catch (Pkcs11Exception e) when (e.Result == CKR.CKR_ATTRIBUTE_TYPE_INVALID)
        {
            return session.CreateObject(attributes[..^1]);
        }
    }

    private static byte[] SerialNumberDer(X509Certificate2 certificate)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteInteger(certificate.SerialNumberBytes.Span); // already minimal two's complement
        return writer.Encode();
    }
}
