using System.Text;
using Kagi.Pkcs11;
using Kagi.Tokens.Pins;

namespace Kagi.Enrollment;

/// <summary>What a client can tell about a typed storage PIN before it reaches the server.</summary>
public enum StoragePinInput
{
    /// <summary>It may be the storage PIN: send it to the server.</summary>
    Acceptable,

    /// <summary>Nothing was typed (or only white space).</summary>
    Empty,

    /// <summary>It holds full-width characters (such as Ａ or １, or the ideographic space) that an IME in full-width mode types.</summary>
    FullWidth,

    /// <summary>It holds a character other than a half-width letter or digit, or is shorter or longer than any storage PIN.</summary>
    NotAStoragePin,
}

/// <summary>
/// The form every storage PIN has, so that clients refuse what cannot be one without sending it: a wrong storage PIN
/// counts against its few attempts on the server, input that cannot be right should not. The server issues storage PINs
/// of <see cref="MinLength"/> to <see cref="MaxLength"/> half-width ASCII letters and digits (its generator draws from a
/// subset of them; the server's tests check that every character it draws and every length it accepts is acceptable
/// here). Surrounding white space is ignored, as the server ignores it.
/// </summary>
public static class StoragePinFormat
{
    /// <summary>The fewest characters of a storage PIN: the server refuses to be configured for shorter ones.</summary>
    public const int MinLength = 8;

    /// <summary>The most characters of a storage PIN: the server refuses to be configured for longer ones.</summary>
    public const int MaxLength = 64;

    /// <summary>Classifies the typed <paramref name="pin"/> (UTF-8, as read) without keeping a copy of it.</summary>
    /// <param name="pin">What the user typed.</param>
    /// <returns>Whether it may be sent.</returns>
    public static StoragePinInput Check(PinBuffer pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        if (pin.Length > 4 * MaxLength)
        {
            return StoragePinInput.NotAStoragePin;
        }

        // On the stack (never moved by the garbage collector) and cleared, as PinChanger does. Invalid UTF-8 decodes
        // to U+FFFD, which is not a letter or digit.
        Span<char> chars = stackalloc char[pin.Length];
        try
        {
            int length = Encoding.UTF8.GetChars(pin.Bytes, chars);
            return Check(chars[..length]);
        }
        finally
        {
            chars.Clear();
        }
    }

    /// <summary>Classifies the typed <paramref name="pin"/>.</summary>
    /// <param name="pin">What the user typed.</param>
    /// <returns>Whether it may be sent.</returns>
    public static StoragePinInput Check(ReadOnlySpan<char> pin)
    {
        ReadOnlySpan<char> typed = pin.Trim();
        if (typed.IsEmpty)
        {
            return StoragePinInput.Empty;
        }

        bool other = typed.Length is < MinLength or > MaxLength;
        foreach (char c in typed)
        {
            if (PinCharacters.IsFullWidthForm(c))
            {
                return StoragePinInput.FullWidth;
            }

            other |= !char.IsAsciiLetterOrDigit(c);
        }

        return other ? StoragePinInput.NotAStoragePin : StoragePinInput.Acceptable;
    }
}
