using System.Security.Cryptography;
using Kagi.Pkcs11;

namespace Kagi.Tokens.Keys;

/// <summary>
/// An <see cref="ECDsa"/> whose private key is on a token: <see cref="SignHash(byte[])"/> runs CKM_ECDSA on the
/// token over a hash computed here and returns r‖s (IEEE P1363), which callers such as
/// <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator.CreateForECDsa"/> convert to DER.
/// Verification uses the public key read from the token. The private key cannot be exported.
/// </summary>
public sealed class TokenECDsa : ECDsa
{
    private readonly TokenKeyPair _key;
    private readonly ECDsa _public;

    /// <summary>Wraps the EC key pair <paramref name="key"/>.</summary>
    public TokenECDsa(TokenKeyPair key)
    {
        _key = key;
        _public = ECDsa.Create(key.EcPublicParameters());
        KeySizeValue = _public.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    /// <inheritdoc />
    public override byte[] SignHash(byte[] hash)
    {
        // r‖s is twice the field size: one C_SignInit + C_Sign, no length query.
        var signature = new byte[2 * ((KeySizeValue + 7) / 8)];
        int length = _key.Session.Sign(Mechanism.Ecdsa, _key.PrivateKey, hash, signature);
        return length == signature.Length ? signature : signature[..length];
    }

    /// <inheritdoc />
    public override bool VerifyHash(byte[] hash, byte[] signature) => _public.VerifyHash(hash, signature);

    /// <summary>Exports the public parameters only.</summary>
    /// <exception cref="CryptographicException"><paramref name="includePrivateParameters"/> is true: the key never leaves the token.</exception>
    public override ECParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException("The private key is on the token and cannot be exported.")
        : _public.ExportParameters(false);

    /// <inheritdoc />
    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException("The private key is on the token and cannot be exported.")
        : _public.ExportExplicitParameters(false);

    /// <summary>Not supported: the key is fixed by the token.</summary>
    public override void ImportParameters(ECParameters parameters) => throw new NotSupportedException();

    /// <summary>Not supported: generate keys with <see cref="TokenKeyGenerator"/>.</summary>
    public override void GenerateKey(ECCurve curve) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _public.Dispose();
        }

        base.Dispose(disposing);
    }
}
