using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Provisioning;

/// <summary>
/// The distribution key: a key pair generated on a token when the CA operator distributes it, whose public key
/// the CA keeps. Its only use is to prove that the attached token is the one the CA handed out (token
/// authentication, the first enrollment step), which happens before the user knows any PIN. So the private key is
/// sensitive, non-extractable and sign-only like every Kagi key, but not CKA_PRIVATE: it signs without login.
/// Holding the token is exactly what it proves.
/// </summary>
public static class DistributionKey
{
    /// <summary>CKA_LABEL of the distribution key pair.</summary>
    public const string Label = "Kagi distribution key";

    /// <summary>CKA_ID of the distribution key pair.</summary>
    public static ReadOnlySpan<byte> Id => "kagi-distribution"u8;

    /// <summary>Generates the distribution key pair in a session logged in as the user.</summary>
    /// <returns>The public key as DER SubjectPublicKeyInfo.</returns>
    /// <exception cref="Pkcs11Exception">The token refused.</exception>
    public static byte[] Generate(Session session, KeySpec spec)
    {
        TokenKeyPair pair = TokenKeyGenerator.Generate(session, spec, Label, Id.ToArray(), privateKeyNeedsLogin: false);
        return pair.SubjectPublicKeyInfo();
    }

    /// <summary>
    /// Signs <paramref name="digest"/> (SHA-256) with the distribution key, without login: ECDSA as r‖s, RSA as
    /// PKCS#1 v1.5 with SHA-256.
    /// </summary>
    /// <returns>The signature, or null when the token has no distribution key.</returns>
    /// <exception cref="Pkcs11Exception">The token failed.</exception>
    public static byte[]? Sign(TokenSession session, byte[] digest)
    {
        Session s = session.Session;
        ulong? key = s.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, Id)).Cast<ulong?>().FirstOrDefault();
        if (key is null)
        {
            return null;
        }

        ulong keyType = s.GetAttribute(key.Value, CKA.CKA_KEY_TYPE).AsULong();
        return keyType == CKK.CKK_EC
            ? s.Sign(Mechanism.Ecdsa, key.Value, digest)
            : s.Sign(Mechanism.RsaPkcs, key.Value, [.. Sha256DigestInfoPrefix, .. digest]);
    }

    /// <summary>Verifies a distribution-key signature against the public key the CA stored.</summary>
    /// <returns>True when <paramref name="signature"/> is valid for <paramref name="digest"/>.</returns>
    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] digest, byte[] signature)
    {
        try
        {
            using ECDsa ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return ec.VerifyHash(digest, signature);
        }
        catch (CryptographicException)
        {
            // Not an EC key: try RSA.
        }

        try
        {
            using RSA rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static readonly byte[] Sha256DigestInfoPrefix =
        [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
}
