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
    /// CKA_CERTIFICATE_CATEGORY "authority".
    /// </summary>
    /// <returns>The new object's handle.</returns>
    /// <exception cref="Pkcs11Exception">The token refused the object.</exception>
    public static ulong Write(Session session, X509Certificate2 certificate, string label, byte[] id, bool authority)
    {
        return session.CreateObject(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
            ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
            ObjectAttribute.Bool(CKA.CKA_TOKEN, true),
            ObjectAttribute.Bool(CKA.CKA_PRIVATE, false),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, label),
            ObjectAttribute.Bytes(CKA.CKA_ID, id),
            ObjectAttribute.Bytes(CKA.CKA_SUBJECT, certificate.SubjectName.RawData),
            ObjectAttribute.Bytes(CKA.CKA_ISSUER, certificate.IssuerName.RawData),
            ObjectAttribute.Bytes(CKA.CKA_SERIAL_NUMBER, SerialNumberDer(certificate)),
            ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_CATEGORY, authority ? 2UL : 1UL),
            ObjectAttribute.Bytes(CKA.CKA_VALUE, certificate.RawData));
    }

    private static byte[] SerialNumberDer(X509Certificate2 certificate)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteInteger(certificate.SerialNumberBytes.Span); // already minimal two's complement
        return writer.Encode();
    }
}
