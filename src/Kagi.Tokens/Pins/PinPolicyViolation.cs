namespace Kagi.Tokens.Pins;

/// <summary>
/// A way in which a new PIN breaks a <see cref="PinPolicy"/>. These are codes for the UI to localize; they never carry the PIN.
/// </summary>
/// <remarks>
/// The numeric order is the order of relevance: <see cref="PinPolicyResult.Violations"/> lists violations in ascending value,
/// and <see cref="PinPolicyResult.FirstViolation"/> is the lowest one found.
/// </remarks>
public enum PinPolicyViolation
{
    /// <summary>The new PIN is empty. When this is reported, <see cref="TooShort"/> is not.</summary>
    Empty = 1,

    /// <summary>The new PIN is not empty but shorter than <see cref="PinPolicy.MinLength"/>.</summary>
    TooShort = 2,

    /// <summary>The new PIN is longer than <see cref="PinPolicy.MaxLength"/>.</summary>
    TooLong = 3,

    /// <summary>
    /// The new PIN contains at least one full-width form (U+FF01–U+FF5E, such as '１' or 'Ａ') or the ideographic space U+3000,
    /// which usually means the IME is in full-width mode. Reported whether or not the half-width equivalent is allowed.
    /// </summary>
    FullWidthCharacter = 4,

    /// <summary>
    /// The new PIN contains at least one other character the policy does not allow: a half-width character of a class the
    /// policy excludes (such as a symbol by default), the ASCII space, a control character, kana, kanji or any other non-ASCII character.
    /// </summary>
    InvalidCharacter = 5,

    /// <summary>The confirmation differs from the new PIN (ordinal, case-sensitive).</summary>
    ConfirmationMismatch = 6,

    /// <summary>The new PIN is not empty and equals the current PIN (ordinal, case-sensitive).</summary>
    SameAsCurrent = 7,
}
