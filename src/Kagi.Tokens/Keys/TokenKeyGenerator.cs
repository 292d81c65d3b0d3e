using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Keys;

/// <summary>
/// Generates key pairs on a token. The private key is always a token object that is private, sensitive,
/// non-extractable and usable only for signing; public and private key share CKA_ID and CKA_LABEL.
/// </summary>
/// <remarks>
/// <para>
/// "Only for signing" is set explicitly, because modules default the other usages to CK_TRUE (SoftHSM2 2.6 gave a private
/// key CKA_UNWRAP and its public key CKA_ENCRYPT and CKA_WRAP): the private key gets CKA_SIGN true and CKA_DECRYPT,
/// CKA_UNWRAP, CKA_SIGN_RECOVER and CKA_DERIVE false; the public key CKA_VERIFY true and CKA_ENCRYPT, CKA_WRAP,
/// CKA_VERIFY_RECOVER and CKA_DERIVE false. SoftHSM2 2.6 (EC and RSA) and opencryptoki 3.8 (RSA; its soft token makes no
/// EC keys) accept this template as it is.
/// </para>
/// <para>
/// A module may not know some of these attributes for a key type and refuse the template (CKR_ATTRIBUTE_TYPE_INVALID,
/// CKR_ATTRIBUTE_VALUE_INVALID or CKR_TEMPLATE_INCONSISTENT). Then the pair is generated again with only CKA_SIGN,
/// CKA_VERIFY and CKA_DECRYPT among the usages (the template Kagi used before, which those modules accepted), and each other
/// usage is switched off afterwards with C_SetAttributeValue where the module allows it. If the module still reports an
/// unwanted usage as CK_TRUE, the pair is destroyed and the original error is thrown: a Kagi key never has a usage
/// beyond signing.
/// </para>
/// </remarks>
public static class TokenKeyGenerator
{
    private static readonly byte[] P256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private static readonly byte[] P384 = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    // The usages a Kagi key must not have, besides CKA_DECRYPT (always in the template).
    private static readonly ulong[] PrivateUsagesOff = [CKA.CKA_UNWRAP, CKA.CKA_SIGN_RECOVER, CKA.CKA_DERIVE];
    private static readonly ulong[] PublicUsagesOff = [CKA.CKA_ENCRYPT, CKA.CKA_WRAP, CKA.CKA_VERIFY_RECOVER, CKA.CKA_DERIVE];

    /// <summary>Generates a key pair of type <paramref name="spec"/> in a logged-in read/write session.</summary>
    /// <param name="session">A read/write session logged in as the user.</param>
    /// <param name="spec">Key type.</param>
    /// <param name="label">CKA_LABEL for both keys.</param>
    /// <param name="id">CKA_ID for both keys.</param>
    /// <param name="privateKeyNeedsLogin">
    /// CKA_PRIVATE of the private key: true (the default) for every user key; false only for the distribution key,
    /// which must sign before the user knows a PIN.
    /// </param>
    /// <exception cref="Pkcs11Exception">
    /// The token refused (e.g. CKR_MECHANISM_INVALID when it cannot make this key type), or could not make a key usable
    /// only for signing (see the remarks).
    /// </exception>
    public static TokenKeyPair Generate(Session session, KeySpec spec, string label, byte[] id, bool privateKeyNeedsLogin = true)
    {
        var common = new List<ObjectAttribute>
        {
            ObjectAttribute.Bool(CKA.CKA_TOKEN, true),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, label),
            ObjectAttribute.Bytes(CKA.CKA_ID, id),
        };
        var publicTemplate = new List<ObjectAttribute>(common)
        {
            ObjectAttribute.Bool(CKA.CKA_PRIVATE, false),
            ObjectAttribute.Bool(CKA.CKA_VERIFY, true),
        };
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

        ulong pub;
        ulong priv;
        try
        {
            (pub, priv) = session.GenerateKeyPair(
                mechanism,
                [.. publicTemplate, .. PublicUsagesOff.Select(Off)],
                [.. privateTemplate, .. PrivateUsagesOff.Select(Off)]);
        }
        catch (Pkcs11Exception e) when (e.Result is CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_TEMPLATE_INCONSISTENT)
        {
            (pub, priv) = session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate);
            bool signOnly = SwitchOff(session, priv, PrivateUsagesOff) & SwitchOff(session, pub, PublicUsagesOff);
            if (!signOnly)
            {
                session.DestroyObject(priv);
                session.DestroyObject(pub);
                throw;
            }
        }

        return new TokenKeyPair(session, pub, priv, id, spec);
    }

    private static ObjectAttribute Off(ulong type) => ObjectAttribute.Bool(type, false);

    // Sets each usage to CK_FALSE where the module allows it; true when none of them reads CK_TRUE afterwards (a usage the
    // module does not have for this key type reads as unavailable).
    private static bool SwitchOff(Session session, ulong key, ulong[] usages)
    {
        bool allOff = true;
        foreach (ulong usage in usages)
        {
            if (!IsOn(session, key, usage))
            {
                continue;
            }

            try
            {
                session.SetAttributes(key, Off(usage));
            }
            catch (Pkcs11Exception)
            {
                // Checked below.
            }

            allOff &= !IsOn(session, key, usage);
        }

        return allOff;
    }

    private static bool IsOn(Session session, ulong key, ulong usage) =>
        session.GetAttribute(key, usage) is { IsAvailable: true } value && value.AsBool();
}
