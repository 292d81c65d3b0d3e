namespace Kagi.Tokens.Pins;

/// <summary>
/// Classifies single PIN characters. Works on one <see cref="char"/> at a time so that callers never need the PIN as a string.
/// </summary>
public static class PinCharacters
{
    /// <summary>The first character of the full-width ASCII variants in the Halfwidth and Fullwidth Forms block: '！' (U+FF01).</summary>
    public const char FullWidthFormsFirst = '\uFF01';

    /// <summary>The last character of the full-width ASCII variants in the Halfwidth and Fullwidth Forms block: '～' (U+FF5E).</summary>
    public const char FullWidthFormsLast = '\uFF5E';

    /// <summary>The ideographic (full-width) space U+3000, which a Japanese IME types in full-width mode.</summary>
    public const char IdeographicSpace = '\u3000';

    /// <summary>
    /// Tells whether <paramref name="c"/> is a full-width form of the kind a Japanese IME types when it is left in full-width mode.
    /// </summary>
    /// <param name="c">The character to test.</param>
    /// <returns>
    /// <see langword="true"/> for U+FF01–U+FF5E (full-width '！' to '～', including '０'–'９', 'Ａ'–'Ｚ' and 'ａ'–'ｚ') and for the
    /// ideographic space U+3000; <see langword="false"/> for every other character, including half-width katakana (U+FF61–U+FF9F)
    /// and the full-width signs U+FFE0–U+FFE6.
    /// </returns>
    public static bool IsFullWidthForm(char c) => c is (>= FullWidthFormsFirst and <= FullWidthFormsLast) or IdeographicSpace;

    /// <summary>Gives the half-width ASCII class of <paramref name="c"/>.</summary>
    /// <param name="c">The character to classify.</param>
    /// <returns>
    /// <see cref="PinCharacterClasses.Digits"/>, <see cref="PinCharacterClasses.Letters"/> or <see cref="PinCharacterClasses.Symbols"/>
    /// for a printable ASCII character; <see cref="PinCharacterClasses.None"/> for the space, control characters and every
    /// non-ASCII character (full-width forms, kana, kanji, ...).
    /// </returns>
    public static PinCharacterClasses Classify(char c)
    {
        if (char.IsAsciiDigit(c))
        {
            return PinCharacterClasses.Digits;
        }

        if (char.IsAsciiLetter(c))
        {
            return PinCharacterClasses.Letters;
        }

        return c is >= '!' and <= '~' ? PinCharacterClasses.Symbols : PinCharacterClasses.None;
    }

    /// <summary>Folds an ASCII upper-case letter to lower case; every other character is returned unchanged.</summary>
    internal static char FoldAsciiCase(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
}
