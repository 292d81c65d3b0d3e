using System.Security.Cryptography;

namespace Kagi.Registry.Pins;

/// <summary>Random storage PINs that survive being read off a mail and typed by hand.</summary>
public static class StoragePinGenerator
{
    /// <summary>
    /// Half-width digits and letters without look-alikes: no 0, O, o (zero/oh) and no 1, l, I (one/ell/eye).
    /// 8 digits + 24 upper-case + 24 lower-case = 56 characters.
    /// </summary>
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

    /// <summary>A PIN of <paramref name="length"/> characters drawn uniformly from <see cref="Alphabet"/> by the OS CSPRNG.</summary>
    /// <returns>The PIN.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 8.</exception>
    public static string Generate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 8);
        return new string(RandomNumberGenerator.GetItems<char>(Alphabet, length));
    }
}
