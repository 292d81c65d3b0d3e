using System.Formats.Asn1;
using System.Security.Cryptography;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

/// <summary>Key-pair templates and public-key decoding used by the binding tests.</summary>
internal static class KeyTemplates
{
    public static readonly byte[] P256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    public static readonly byte[] P384 = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    public static (ulong Public, ulong Private) GenerateEc(Session session, byte[] curve, string label, byte[] id) =>
        session.GenerateKeyPair(
            Mechanism.EcKeyPairGen,
            [
                ObjectAttribute.Bool(CKA.CKA_TOKEN, true), ObjectAttribute.Bytes(CKA.CKA_EC_PARAMS, curve),
                ObjectAttribute.Bool(CKA.CKA_VERIFY, true), ObjectAttribute.Utf8(CKA.CKA_LABEL, label), ObjectAttribute.Bytes(CKA.CKA_ID, id),
            ],
            PrivateTemplate(label, id));

    public static (ulong Public, ulong Private) GenerateRsa(Session session, int bits, string label, byte[] id) =>
        session.GenerateKeyPair(
            Mechanism.RsaKeyPairGen,
            [
                ObjectAttribute.Bool(CKA.CKA_TOKEN, true), ObjectAttribute.ULong(CKA.CKA_MODULUS_BITS, (ulong)bits),
                ObjectAttribute.Bytes(CKA.CKA_PUBLIC_EXPONENT, [1, 0, 1]), ObjectAttribute.Bool(CKA.CKA_VERIFY, true),
                ObjectAttribute.Utf8(CKA.CKA_LABEL, label), ObjectAttribute.Bytes(CKA.CKA_ID, id),
            ],
            PrivateTemplate(label, id));

    private static ObjectAttribute[] PrivateTemplate(string label, byte[] id) =>
    [
        ObjectAttribute.Bool(CKA.CKA_TOKEN, true), ObjectAttribute.Bool(CKA.CKA_PRIVATE, true),
        ObjectAttribute.Bool(CKA.CKA_SENSITIVE, true), ObjectAttribute.Bool(CKA.CKA_EXTRACTABLE, false),
        ObjectAttribute.Bool(CKA.CKA_SIGN, true), ObjectAttribute.Utf8(CKA.CKA_LABEL, label), ObjectAttribute.Bytes(CKA.CKA_ID, id),
    ];

    public static ECDsa EcPublicKey(Session session, ulong publicKey, ECCurve curve)
    {
        byte[] point = session.GetAttribute(publicKey, CKA.CKA_EC_POINT).AsBytes();
        byte[] raw = new AsnReader(point, AsnEncodingRules.DER).ReadOctetString();
        int size = (raw.Length - 1) / 2;
        return ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = raw[1..(1 + size)], Y = raw[(1 + size)..] } });
    }

    public static RSA RsaPublicKey(Session session, ulong publicKey)
    {
        var values = session.GetAttributes(publicKey, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
        return RSA.Create(new RSAParameters { Modulus = values[0].AsBytes(), Exponent = values[1].AsBytes() });
    }

    /// <summary>DER DigestInfo for SHA-256 followed by the hash: what CKM_RSA_PKCS signs for RSASSA-PKCS1-v1_5.</summary>
    public static byte[] Sha256DigestInfo(byte[] hash) =>
        [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20, .. hash];
}
