using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Kagi.Tokens.Pins;

/// <summary>Constant-time comparison of PINs held in caller-owned buffers.</summary>
public static class PinComparison
{
    /// <summary>
    /// Compares two PINs in time that depends only on their length, never on where they first differ.
    /// The characters are compared as their UTF-16 bytes in place, with
    /// <see cref="CryptographicOperations.FixedTimeEquals(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>; nothing is copied.
    /// </summary>
    /// <param name="left">The first PIN.</param>
    /// <param name="right">The second PIN.</param>
    /// <returns>
    /// <see langword="true"/> if both have the same length and the same characters (ordinal, case-sensitive);
    /// otherwise <see langword="false"/>. Two empty PINs are equal. A difference in length is returned at once: lengths are not secret.
    /// </returns>
    public static bool FixedTimeEquals(ReadOnlySpan<char> left, ReadOnlySpan<char> right) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(left), MemoryMarshal.AsBytes(right));
}
