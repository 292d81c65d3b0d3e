using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Keys;

namespace Kagi.Ca.Keys;

/// <summary>
/// A CA key on a PKCS#11 token or HSM. Signatures run on the token through <see cref="TokenECDsa"/> or
/// <see cref="TokenRsa"/> (PKCS#1 v1.5); the private key never leaves it. The session the key pair was found or
/// generated in must stay open and logged in while the key is used; disposing this object leaves the session open.
/// Signatures through <see cref="SignatureGenerator"/> run one at a time, so give the CA key a session of its own
/// rather than sharing it with other work.
/// </summary>
public sealed class TokenCaKey : ICaKey
{
    private readonly AsymmetricAlgorithm _signer;

    /// <summary>Wraps a key pair on a token.</summary>
    /// <param name="key">The key pair, in a logged-in session.</param>
    /// <exception cref="CaException"><see cref="CaError.UnsupportedKeyType"/> for RSA 2048, which is not a CA key type.</exception>
    public TokenCaKey(TokenKeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        KeyType = key.Spec switch
        {
            KeySpec.EcP256 => CaKeyType.EcP256,
            KeySpec.EcP384 => CaKeyType.EcP384,
            KeySpec.Rsa3072 => CaKeyType.Rsa3072,
            KeySpec.Rsa4096 => CaKeyType.Rsa4096,
            _ => throw new CaException(CaError.UnsupportedKeyType),
        };
        TokenKey = key;
        _signer = key.CreateSigner();
        PublicKey = CaKeyTypes.PublicKeyOf(_signer);
        HashAlgorithm = CaKeyTypes.HashAlgorithm(KeyType);
        SignatureGenerator = CaKeyTypes.Generator(_signer);
    }

    /// <summary>The key pair on the token.</summary>
    public TokenKeyPair TokenKey { get; }

    /// <inheritdoc />
    public CaKeyType KeyType { get; }

    /// <inheritdoc />
    public PublicKey PublicKey { get; }

    /// <inheritdoc />
    public HashAlgorithmName HashAlgorithm { get; }

    /// <inheritdoc />
    public X509SignatureGenerator SignatureGenerator { get; }

    /// <summary>
    /// Generates a CA key pair on the token (private, sensitive, non-extractable, signing only; see
    /// <see cref="TokenKeyGenerator"/>).
    /// </summary>
    /// <param name="session">A logged-in read/write session.</param>
    /// <param name="type">The key type.</param>
    /// <param name="label">CKA_LABEL of both keys.</param>
    /// <param name="id">CKA_ID of both keys, used by <see cref="Open"/> later.</param>
    /// <returns>The key.</returns>
    /// <exception cref="Pkcs11Exception">The token refused, e.g. CKR_MECHANISM_INVALID for a key type it cannot make.</exception>
    public static TokenCaKey Generate(Session session, CaKeyType type, string label, byte[] id)
    {
        KeySpec spec = type switch
        {
            CaKeyType.EcP256 => KeySpec.EcP256,
            CaKeyType.EcP384 => KeySpec.EcP384,
            CaKeyType.Rsa3072 => KeySpec.Rsa3072,
            CaKeyType.Rsa4096 => KeySpec.Rsa4096,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        return new TokenCaKey(TokenKeyGenerator.Generate(session, spec, label, id));
    }

    /// <summary>Finds the key pair with CKA_ID <paramref name="id"/> (one private and one public key object).</summary>
    /// <param name="session">A logged-in session (private keys are invisible before login).</param>
    /// <param name="id">CKA_ID of the key pair.</param>
    /// <returns>The key.</returns>
    /// <exception cref="CaException"><see cref="CaError.TokenKeyNotFound"/> when there is not exactly one private and one
    /// public key with that ID; <see cref="CaError.UnsupportedKeyType"/> for other curves or RSA sizes.</exception>
    /// <exception cref="Pkcs11Exception">The module failed.</exception>
    public static TokenCaKey Open(Session session, byte[] id)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<ulong> privateKeys = session.FindObjects(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, id));
        IReadOnlyList<ulong> publicKeys = session.FindObjects(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, id));
        if (privateKeys.Count != 1 || publicKeys.Count != 1)
        {
            throw new CaException(CaError.TokenKeyNotFound);
        }

        KeySpec spec = SpecOf(session, publicKeys[0]) ?? throw new CaException(CaError.UnsupportedKeyType);
        return new TokenCaKey(new TokenKeyPair(session, publicKeys[0], privateKeys[0], id, spec));
    }

    /// <summary>Disposes the signer; the token session stays open.</summary>
    public void Dispose() => _signer.Dispose();

    private static KeySpec? SpecOf(Session session, ulong publicKey)
    {
        IReadOnlyList<AttributeValue> a = session.GetAttributes(publicKey, CKA.CKA_KEY_TYPE, CKA.CKA_EC_PARAMS, CKA.CKA_MODULUS);
        if (!a[0].IsAvailable)
        {
            return null;
        }

        if (a[0].AsULong() == CKK.CKK_EC && a[1].IsAvailable)
        {
            try
            {
                return new AsnReader(a[1].AsBytes(), AsnEncodingRules.DER).ReadObjectIdentifier() switch
                {
                    Oids.NistP256 => KeySpec.EcP256,
                    Oids.NistP384 => KeySpec.EcP384,
                    _ => null,
                };
            }
            catch (AsnContentException)
            {
                return null;
            }
        }

        if (a[0].AsULong() == CKK.CKK_RSA && a[2].IsAvailable)
        {
            long bits = new BigInteger(a[2].AsBytes(), isUnsigned: true, isBigEndian: true).GetBitLength();
            return bits switch
            {
                3072 => KeySpec.Rsa3072,
                4096 => KeySpec.Rsa4096,
                _ => null,
            };
        }

        return null;
    }
}
