using System.Security.Cryptography;
using System.Text;

namespace Kagi.Server.Security;

/// <summary>
/// Encrypts secrets the server must keep (SO and transport PINs of distributed tokens, CA key passwords) with
/// AES-256-GCM under the server's secret key, and derives the enrollment ticket key from it. Output layout:
/// version byte 1 ‖ 12-byte nonce ‖ ciphertext ‖ 16-byte tag; purpose strings are bound as
/// associated data so a ciphertext cannot be replayed for another purpose.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private readonly byte[] _encryptionKey;

    /// <summary>Creates the protector from the 32-byte server secret.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public SecretProtector(ReadOnlySpan<byte> serverSecret)
    {
        if (serverSecret.Length != 32)
        {
            throw new ArgumentException("The server secret key must be 32 bytes.", nameof(serverSecret));
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, serverSecret.ToArray(), 32, info: "kagi secret encryption v1"u8.ToArray());
        TicketKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, serverSecret.ToArray(), 32, info: "kagi enrollment ticket v1"u8.ToArray());
    }

    /// <summary>The HMAC key for enrollment tickets.</summary>
    public byte[] TicketKey { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="purpose"/>.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[1 + 12 + plaintext.Length + 16];
        output[0] = Version;
        Span<byte> nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(13, plaintext.Length), output.AsSpan(13 + plaintext.Length, 16), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <summary>Decrypts data made by <see cref="Protect"/> for the same purpose.</summary>
    /// <exception cref="CryptographicException">Wrong key, wrong purpose, or tampered data.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> data, string purpose)
    {
        if (data.Length < 29 || data[0] != Version)
        {
            throw new CryptographicException("The protected data has an unknown format.");
        }

        var plaintext = new byte[data.Length - 29];
        using var aes = new AesGcm(_encryptionKey, 16);
        aes.Decrypt(data.Slice(1, 12), data.Slice(13, plaintext.Length), data.Slice(13 + plaintext.Length, 16), plaintext, Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }

    /// <summary>
    /// Reads the server secret from configuration (base64 of 32 bytes) or, when none is configured, from
    /// <c>secret.key</c> in the data folder, creating it (owner-only permissions) on first start.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured value is not base64 of 32 bytes.</exception>
    public static byte[] LoadOrCreateSecret(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(configured);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException("Kagi:SecretKey must be base64 of 32 random bytes.", e);
            }

            return key.Length == 32 ? key : throw new InvalidOperationException("Kagi:SecretKey must be base64 of 32 random bytes.");
        }

        string path = Path.Combine(dataDirectory, "secret.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(dataDirectory);
        byte[] created = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(created));
        }

        return created;
    }
}
