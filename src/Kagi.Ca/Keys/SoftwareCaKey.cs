using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Keys;

/// <summary>
/// A CA key held in memory. At rest it is an encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY"): PBES2 with
/// PBKDF2-HMAC-SHA256 (600,000 iterations) and AES-256-CBC, protected by a password from the configuration.
/// </summary>
public sealed class SoftwareCaKey : ICaKey
{
    private const string EncryptedLabel = "ENCRYPTED PRIVATE KEY";
    private const string Pkcs8Label = "PRIVATE KEY";
    private const string EcLabel = "EC PRIVATE KEY";
    private const string RsaLabel = "RSA PRIVATE KEY";

    private readonly AsymmetricAlgorithm _key;

    private SoftwareCaKey(AsymmetricAlgorithm key, CaKeyType type)
    {
        _key = key;
        KeyType = type;
        PublicKey = CaKeyTypes.PublicKeyOf(key);
        HashAlgorithm = CaKeyTypes.HashAlgorithm(type);
        SignatureGenerator = CaKeyTypes.Generator(key);
    }

    /// <inheritdoc />
    public CaKeyType KeyType { get; }

    /// <inheritdoc />
    public PublicKey PublicKey { get; }

    /// <inheritdoc />
    public HashAlgorithmName HashAlgorithm { get; }

    /// <inheritdoc />
    public X509SignatureGenerator SignatureGenerator { get; }

    /// <summary>Generates a new key of type <paramref name="type"/> (RSA keys take a few seconds).</summary>
    /// <returns>The key; the caller disposes it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static SoftwareCaKey Create(CaKeyType type)
    {
        AsymmetricAlgorithm key = type switch
        {
            CaKeyType.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            CaKeyType.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            CaKeyType.Rsa3072 => RSA.Create(3072),
            CaKeyType.Rsa4096 => RSA.Create(4096),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        return new SoftwareCaKey(key, type);
    }

    /// <summary>
    /// Reads a private key from PEM text: the first "ENCRYPTED PRIVATE KEY" block (PBES2, see the class summary; keys
    /// encrypted by <c>openssl pkcs8 -topk8 -v2 aes-256-cbc</c> are read too). Unencrypted "PRIVATE KEY",
    /// "EC PRIVATE KEY" and "RSA PRIVATE KEY" blocks are read only when <paramref name="allowUnencrypted"/> is true.
    /// </summary>
    /// <param name="pem">PEM text; other blocks (certificates) are skipped.</param>
    /// <param name="password">The password the key was encrypted with.</param>
    /// <param name="allowUnencrypted">Accept an unencrypted key (for tests and migrations only).</param>
    /// <returns>The key; the caller disposes it.</returns>
    /// <exception cref="CaException"><see cref="CaError.WrongPassword"/>; <see cref="CaError.KeyNotEncrypted"/> for an
    /// unencrypted key that was not allowed; <see cref="CaError.MalformedKey"/> when no key block parses;
    /// <see cref="CaError.UnsupportedKeyEncryption"/>; <see cref="CaError.UnsupportedKeyType"/> when the key is not a
    /// <see cref="CaKeyType"/>.</exception>
    public static SoftwareCaKey ImportEncryptedPem(ReadOnlySpan<char> pem, ReadOnlySpan<char> password, bool allowUnencrypted = false)
    {
        PemBlock block = Pem.Find(pem, EncryptedLabel, Pkcs8Label, EcLabel, RsaLabel) ?? throw new CaException(CaError.MalformedKey);
        if (block.Label != EncryptedLabel && !allowUnencrypted)
        {
            CryptographicOperations.ZeroMemory(block.Data);
            throw new CaException(CaError.KeyNotEncrypted);
        }

        byte[] plain = block.Label == EncryptedLabel ? EncryptedPkcs8.Decrypt(block.Data, password) : block.Data;
        try
        {
            AsymmetricAlgorithm key = block.Label switch
            {
                EcLabel => Import(ECDsa.Create(), k => k.ImportECPrivateKey(plain, out _), CaError.MalformedKey),
                RsaLabel => Import(RSA.Create(), k => k.ImportRSAPrivateKey(plain, out _), CaError.MalformedKey),

                // Decrypted garbage passes the padding check once in 256 wrong passwords; it then fails to parse here.
                _ => ImportPkcs8(plain, block.Label == EncryptedLabel ? CaError.WrongPassword : CaError.MalformedKey),
            };
            return Adopt(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// Writes the key as an "ENCRYPTED PRIVATE KEY" PEM: PBES2 with PBKDF2-HMAC-SHA256 (600,000 iterations, random salt)
    /// and AES-256-CBC (random IV).
    /// </summary>
    /// <param name="password">The password; it must not be empty.</param>
    /// <returns>PEM text ending in a newline.</returns>
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    public string ExportEncryptedPem(ReadOnlySpan<char> password)
    {
        if (password.IsEmpty)
        {
            throw new ArgumentException("An empty password would leave the key unprotected.", nameof(password));
        }

        return _key.ExportEncryptedPkcs8PrivateKeyPem(password, KeyEncryption.Parameters) + "\n";
    }

    /// <summary>Disposes the key.</summary>
    public void Dispose() => _key.Dispose();

    /// <summary>Wraps an ECDsa or RSA key, taking ownership of it.</summary>
    /// <exception cref="CaException"><see cref="CaError.UnsupportedKeyType"/> (the key is disposed).</exception>
    internal static SoftwareCaKey Adopt(AsymmetricAlgorithm key)
    {
        if (CaKeyTypes.Of(key) is not { } type)
        {
            key.Dispose();
            throw new CaException(CaError.UnsupportedKeyType);
        }

        return new SoftwareCaKey(key, type);
    }

    private static AsymmetricAlgorithm ImportPkcs8(byte[] privateKeyInfo, CaError unreadable)
    {
        string algorithm;
        try
        {
            // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { algorithm, parameters }, privateKey, ... }
            AsnReader info = new AsnReader(privateKeyInfo, AsnEncodingRules.BER).ReadSequence();
            _ = info.ReadInteger();
            algorithm = info.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            throw new CaException(unreadable, e);
        }

        return algorithm switch
        {
            Oids.EcPublicKey => Import(ECDsa.Create(), k => k.ImportPkcs8PrivateKey(privateKeyInfo, out _), unreadable),
            Oids.Rsa => Import(RSA.Create(), k => k.ImportPkcs8PrivateKey(privateKeyInfo, out _), unreadable),
            _ => throw new CaException(CaError.UnsupportedKeyType),
        };
    }

    private static T Import<T>(T key, Action<T> import, CaError unreadable)
        where T : AsymmetricAlgorithm
    {
        try
        {
            import(key);
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new CaException(unreadable, e);
        }
    }
}
