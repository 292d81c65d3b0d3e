using System.Security.Cryptography;

namespace Kagi.Ca.Issuance;

/// <summary>
/// Certificate serial numbers: 16 random bytes whose first byte is 0x40–0x7F, so every serial is positive, exactly 16
/// bytes long in DER (no leading zero byte, never zero) and carries 126 bits of entropy (RFC 5280 allows up to 20
/// bytes; CA/Browser Forum rules ask for at least 64 random bits).
/// </summary>
public static class SerialNumbers
{
    /// <summary>The length of a serial number in bytes.</summary>
    public const int Length = 16;

    /// <summary>A new random serial number, big-endian.</summary>
    public static byte[] New()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(Length);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
        return serial;
    }

    /// <summary>The serial as upper-case hex, as <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2.SerialNumber"/> prints it.</summary>
    public static string ToHex(ReadOnlySpan<byte> serial) => Convert.ToHexString(serial);

    /// <summary>True for a valid DER serial: 1–20 bytes, positive (top bit clear), not zero, no superfluous leading zero byte.</summary>
    public static bool IsValid(ReadOnlySpan<byte> serial) =>
        serial.Length is > 0 and <= 20
        && (serial[0] & 0x80) == 0
        && serial.ContainsAnyExcept((byte)0)
        && !(serial.Length > 1 && serial[0] == 0 && (serial[1] & 0x80) == 0);
}
