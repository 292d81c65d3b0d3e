using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Keys;

/// <summary>
/// Generates key pairs on a token. The private key is always a token object that is private, sensitive,
/// non-extractable and usable only for signing; public and private key share CKA_ID and CKA_LABEL.
/// </summary>
public static class TokenKeyGenerator
{
    private static readonly byte[] P256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private static readonly byte[] P384 = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    /// <summary>Generates a key pair of type <paramref name="spec"/> in a logged-in read/write session.</summary>
    /// <param name="session">A read/write session logged in as the user.</param>
    /// <param name="spec">Key type.</param>
    /// <param name="label">CKA_LABEL for both keys.</param>
    /// <param name="id">CKA_ID for both keys.</param>
    /// <param name="privateKeyNeedsLogin">
    /// CKA_PRIVATE of the private key: true (the default) for every user key; false only for the distribution key,
    /// which must sign before the user knows a PIN.
    /// </param>
    /// <exception cref="Pkcs11Exception">The token refused (e.g. CKR_MECHANISM_INVALID when it cannot make this key type).</exception>
    public static TokenKeyPair Generate(Session session, KeySpec spec, string label, byte[] id, bool privateKeyNeedsLogin = true)
    {
        var common = new List<ObjectAttribute>
        {
            ObjectAttribute.Bool(CKA.CKA_TOKEN, true),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, label),
            ObjectAttribute.Bytes(CKA.CKA_ID, id),
        };
        var publicTemplate = new List<ObjectAttribute>(common) { ObjectAttribute.Bool(CKA.CKA_VERIFY, true), ObjectAttribute.Bool(CKA.CKA_PRIVATE, false) };
        var privateTemplate = new List<ObjectAttribute>(common)
        {
            ObjectAttribute.Bool(CKA.CKA_PRIVATE, privateKeyNeedsLogin),
            ObjectAttribute.Bool(CKA.CKA_SENSITIVE, true),
            ObjectAttribute.Bool(CKA.CKA_EXTRACTABLE, false),
            ObjectAttribute.Bool(CKA.CKA_SIGN, true),
            ObjectAttribute.Bool(CKA.CKA_DECRYPT, false),
        };

        Mechanism mechanism;
        switch (spec)
        {
            case KeySpec.EcP256 or KeySpec.EcP384:
                mechanism = Mechanism.EcKeyPairGen;
                publicTemplate.Add(ObjectAttribute.Bytes(CKA.CKA_EC_PARAMS, spec == KeySpec.EcP256 ? P256 : P384));
                break;
            default:
                mechanism = Mechanism.RsaKeyPairGen;
                int bits = spec switch { KeySpec.Rsa3072 => 3072, KeySpec.Rsa4096 => 4096, _ => 2048 };
                publicTemplate.Add(ObjectAttribute.ULong(CKA.CKA_MODULUS_BITS, (ulong)bits));
                publicTemplate.Add(ObjectAttribute.Bytes(CKA.CKA_PUBLIC_EXPONENT, [0x01, 0x00, 0x01]));
                break;
        }

        (ulong pub, ulong priv) = session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate);
        return new TokenKeyPair(session, pub, priv, id, spec);
    }
}
