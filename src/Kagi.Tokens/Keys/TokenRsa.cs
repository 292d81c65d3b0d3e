using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Keys;

/// <summary>
/// An <see cref="RSA"/> whose private key is on a token. PKCS#1 v1.5 signatures run CKM_RSA_PKCS over a DigestInfo
/// built here; PSS signatures run CKM_RSA_PKCS_PSS with MGF1 of the same hash and a salt as long as the hash.
/// Decryption is not offered: the key is generated for signing only.
/// </summary>
public sealed class TokenRsa : RSA
{
    private readonly TokenKeyPair _key;
    private readonly RSA _public;

    /// <summary>Wraps the RSA key pair <paramref name="key"/>.</summary>
    public TokenRsa(TokenKeyPair key)
    {
        _key = key;
        _public = RSA.Create(key.RsaPublicParameters());
        KeySizeValue = _public.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    /// <inheritdoc />
    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(padding);
        (byte[] prefix, ulong mechanism, ulong mgf) = hashAlgorithm.Name switch
        {
            "SHA256" => (DigestInfo.Sha256, CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256),
            "SHA384" => (DigestInfo.Sha384, CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384),
            "SHA512" => (DigestInfo.Sha512, CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512),
            _ => throw new CryptographicException($"Hash algorithm {hashAlgorithm.Name} is not supported for token signatures."),
        };

        // The signature is as long as the modulus: one C_SignInit + C_Sign, no length query.
        var signature = new byte[(KeySizeValue + 7) / 8];
        int length = padding.Mode == RSASignaturePaddingMode.Pss
            ? _key.Session.Sign(Mechanism.RsaPss(mechanism, mgf, hash.Length), _key.PrivateKey, hash, signature)
            : _key.Session.Sign(Mechanism.RsaPkcs, _key.PrivateKey, [.. prefix, .. hash], signature);
        return length == signature.Length ? signature : signature[..length];
    }

    /// <inheritdoc />
    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _public.VerifyHash(hash, signature, hashAlgorithm, padding);

    /// <summary>Exports the public parameters only.</summary>
    /// <exception cref="CryptographicException"><paramref name="includePrivateParameters"/> is true.</exception>
    public override RSAParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException("The private key is on the token and cannot be exported.")
        : _public.ExportParameters(false);

    /// <summary>Not supported: the key is fixed by the token.</summary>
    public override void ImportParameters(RSAParameters parameters) => throw new NotSupportedException();

    /// <summary>Not supported: the key signs only.</summary>
    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) => throw new NotSupportedException();

    /// <inheritdoc />
    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding) => _public.Encrypt(data, padding);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _public.Dispose();
        }

        base.Dispose(disposing);
    }

    private static class DigestInfo
    {
        public static readonly byte[] Sha256 = [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
        public static readonly byte[] Sha384 = [0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30];
        public static readonly byte[] Sha512 = [0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];
    }
}
