using System.Security.Cryptography;

namespace Kagi.Ca.Keys;

/// <summary>
/// How software CA keys are encrypted at rest: PKCS#8 EncryptedPrivateKeyInfo with PBES2, the key derived with
/// PBKDF2-HMAC-SHA256 over 600,000 iterations (OWASP's 2023 figure for PBKDF2-SHA256) and the key encrypted with
/// AES-256-CBC. OpenSSL reads these keys (<c>openssl pkey -in key.pem</c>).
/// </summary>
internal static class KeyEncryption
{
    /// <summary>PBKDF2 iterations for keys Kagi writes.</summary>
    public const int IterationCount = 600_000;

    /// <summary>The most PBKDF2 iterations accepted on import, so a hostile file cannot stall the process.</summary>
    public const int MaxIterationCount = 10_000_000;

    /// <summary>PBES2 parameters for keys Kagi writes.</summary>
    public static PbeParameters Parameters { get; } = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, IterationCount);
}
