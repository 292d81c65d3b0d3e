using System.Security.Cryptography;
using System.Text;

namespace Kagi.Registry.Pins;

/// <summary>PBKDF2-SHA256 over the PIN's UTF-8 bytes; 16-byte salt, 32-byte output.</summary>
public static class StoragePinHasher
{
    /// <summary>Salt length in bytes.</summary>
    public const int SaltBytes = 16;

    /// <summary>Hash length in bytes.</summary>
    public const int HashBytes = 32;

    /// <summary>A fresh random salt.</summary>
    /// <returns>16 random bytes.</returns>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>The PBKDF2-SHA256 hash of <paramref name="pin"/>.</summary>
    /// <returns>32 bytes.</returns>
    public static byte[] Hash(string pin, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
    }

    /// <summary>Whether <paramref name="pin"/> matches; the comparison takes the same time wherever the hashes differ.</summary>
    /// <returns>True on a match.</returns>
    public static bool Matches(string pin, byte[] salt, int iterations, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(pin, salt, iterations), expected);
}
