namespace Kagi.Tokens.Pins;

/// <summary>
/// Configurable limits for a new user PIN (ユーザーPIN). Immutable. Check a PIN against it with <see cref="PinPolicyValidator"/>.
/// </summary>
/// <remarks>
/// Lengths are counted in UTF-16 code units (<see cref="char"/>), which equals the number of characters for every PIN the
/// policy can allow, since all allowed characters are ASCII. The current PIN of a token is never checked against a policy.
/// </remarks>
public sealed class PinPolicy
{
    /// <summary>The default minimum length: 4.</summary>
    public const int DefaultMinLength = 4;

    /// <summary>The default maximum length: 8.</summary>
    public const int DefaultMaxLength = 8;

    /// <summary>The default allowed characters: half-width ASCII letters and digits.</summary>
    public const PinCharacterClasses DefaultAllowedCharacters = PinCharacterClasses.LettersAndDigits;

    /// <summary>Creates a policy.</summary>
    /// <param name="minLength">The shortest allowed PIN; at least 1.</param>
    /// <param name="maxLength">The longest allowed PIN; at least <paramref name="minLength"/>.</param>
    /// <param name="allowedCharacters">
    /// The allowed character classes: a non-empty combination of <see cref="PinCharacterClasses.Digits"/>,
    /// <see cref="PinCharacterClasses.Letters"/> and <see cref="PinCharacterClasses.Symbols"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="minLength"/> is less than 1, <paramref name="maxLength"/> is less than <paramref name="minLength"/>, or
    /// <paramref name="allowedCharacters"/> is <see cref="PinCharacterClasses.None"/> or has bits outside <see cref="PinCharacterClasses.All"/>.
    /// </exception>
    public PinPolicy(
        int minLength = DefaultMinLength,
        int maxLength = DefaultMaxLength,
        PinCharacterClasses allowedCharacters = DefaultAllowedCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, minLength);
        if (allowedCharacters == PinCharacterClasses.None || (allowedCharacters & ~PinCharacterClasses.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(allowedCharacters));
        }

        MinLength = minLength;
        MaxLength = maxLength;
        AllowedCharacters = allowedCharacters;
    }

    /// <summary>The default policy: 4–8 half-width ASCII letters and digits.</summary>
    public static PinPolicy Default { get; } = new();

    /// <summary>The shortest allowed PIN, in characters.</summary>
    public int MinLength { get; }

    /// <summary>The longest allowed PIN, in characters.</summary>
    public int MaxLength { get; }

    /// <summary>The character classes allowed in a new PIN.</summary>
    public PinCharacterClasses AllowedCharacters { get; }

    /// <summary>Tells whether the policy allows <paramref name="c"/> in a new PIN.</summary>
    /// <param name="c">The character to test.</param>
    /// <returns>
    /// <see langword="true"/> if <paramref name="c"/> is a half-width ASCII character of an allowed class; otherwise
    /// <see langword="false"/> (always for spaces, control characters, full-width forms, kana and kanji).
    /// </returns>
    public bool AllowsCharacter(char c)
    {
        PinCharacterClasses characterClass = PinCharacters.Classify(c);
        return characterClass != PinCharacterClasses.None && (AllowedCharacters & characterClass) == characterClass;
    }
}
