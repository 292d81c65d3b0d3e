namespace Kagi.Tokens.Pins;

/// <summary>
/// Classes of half-width ASCII characters that a <see cref="PinPolicy"/> can allow in a new PIN.
/// The values are flags and can be combined.
/// </summary>
[Flags]
public enum PinCharacterClasses
{
    /// <summary>No class. A character in this class is never allowed, and a policy cannot be built with only this value.</summary>
    None = 0,

    /// <summary>Half-width ASCII digits <c>0</c>–<c>9</c> (U+0030–U+0039).</summary>
    Digits = 1,

    /// <summary>Half-width ASCII letters <c>A</c>–<c>Z</c> and <c>a</c>–<c>z</c>.</summary>
    Letters = 2,

    /// <summary>
    /// Half-width printable ASCII symbols: U+0021–U+002F, U+003A–U+0040, U+005B–U+0060 and U+007B–U+007E.
    /// The space U+0020 is not a symbol and is never allowed.
    /// </summary>
    Symbols = 4,

    /// <summary>Letters and digits (the default for a new user PIN).</summary>
    LettersAndDigits = Letters | Digits,

    /// <summary>Letters, digits and symbols: every printable ASCII character except the space.</summary>
    All = Letters | Digits | Symbols,
}
