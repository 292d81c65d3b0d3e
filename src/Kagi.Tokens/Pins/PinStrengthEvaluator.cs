namespace Kagi.Tokens.Pins;

/// <summary>
/// Judges how strong a PIN is and whether it is too predictable to be set. Pure, deterministic (no clock, no randomness) and
/// thread-safe. The PIN is read from a caller-owned span and never copied into a string or the result.
/// </summary>
/// <remarks>
/// The evaluator does not apply a <see cref="PinPolicy"/>: check the PIN with <see cref="PinPolicyValidator"/> first. It gives an
/// answer for any input, but its rules are meant for policy-valid ASCII PINs.
/// </remarks>
public sealed class PinStrengthEvaluator
{
    /// <summary>The shortest PIN that can be a <see cref="PinWeakness.RepeatedCharacter"/> or a <see cref="PinWeakness.SequentialRun"/>: 3.</summary>
    public const int PatternMinimumLength = 3;

    /// <summary>The shortest all-digit PIN starting with '0' that is <see cref="PinWeakness.PhoneNumberLike"/>: 7.</summary>
    public const int PhoneNumberMinimumLength = 7;

    /// <summary>The shortest name part that matches when merely contained in a PIN (<see cref="PinWeakness.ContainsName"/>): 3.</summary>
    public const int NameMinimumPartLength = 3;

    /// <summary>The shortest PIN that can be a <see cref="PinWeakness.KeyboardPattern"/>: 4.</summary>
    public const int KeyboardPatternMinimumLength = 4;

    /// <summary>The shortest PIN that can be an <see cref="PinWeakness.InterleavedSequence"/> (two characters of each sequence): 4.</summary>
    public const int InterleavedMinimumLength = 4;

    /// <summary>A PIN shorter than this is always <see cref="PinStrengthLevel.Low"/>: 4.</summary>
    public const int LowBelowLength = 4;

    /// <summary>A digits-only PIN at most this long is always <see cref="PinStrengthLevel.Low"/>: 4.</summary>
    public const int LowDigitsOnlyMaximumLength = 4;

    /// <summary>The shortest PIN that can be <see cref="PinStrengthLevel.High"/>: 7.</summary>
    public const int HighMinimumLength = 7;

    /// <summary>The fewest distinct characters (ASCII letters counted without regard to case) a <see cref="PinStrengthLevel.High"/> PIN has: 5.</summary>
    public const int HighMinimumDistinctCharacters = 5;

    private const uint PatternWeaknesses =
        (1u << (int)PinWeakness.RepeatedCharacter)
        | (1u << (int)PinWeakness.SequentialRun)
        | (1u << (int)PinWeakness.CalendarDate)
        | (1u << (int)PinWeakness.JapaneseEraDate)
        | (1u << (int)PinWeakness.PhoneNumberLike)
        | (1u << (int)PinWeakness.ContainsName)
        | (1u << (int)PinWeakness.CommonPin)
        | (1u << (int)PinWeakness.KeyboardPattern)
        | (1u << (int)PinWeakness.InterleavedSequence);

    private readonly uint _refused;
    private readonly PinNameMatcher _names;
    private readonly int _shortLengthThreshold;
    private readonly int _fewDistinctCharactersThreshold;

    /// <summary>Creates an evaluator with default <see cref="PinStrengthOptions"/> (no names).</summary>
    public PinStrengthEvaluator()
        : this(new PinStrengthOptions())
    {
    }

    /// <summary>Creates an evaluator with a snapshot of <paramref name="options"/>.</summary>
    /// <param name="options">The settings to use.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public PinStrengthEvaluator(PinStrengthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (PinWeakness weakness in options.RefusedWeaknesses)
        {
            _refused |= Bit(weakness);
        }

        _names = new PinNameMatcher(options.Names);
        _shortLengthThreshold = options.ShortLengthThreshold;
        _fewDistinctCharactersThreshold = options.FewDistinctCharactersThreshold;
        Options = options;
    }

    /// <summary>The options the evaluator was created with.</summary>
    public PinStrengthOptions Options { get; }

    /// <summary>Finds the weaknesses of a PIN, decides whether it is refused, and gives its level.</summary>
    /// <param name="pin">The PIN to judge.</param>
    /// <returns>
    /// A result whose <see cref="PinStrengthResult.Reasons"/> lists every <see cref="PinWeakness"/> found (see each value for its rule),
    /// whose <see cref="PinStrengthResult.IsRefused"/> is <see langword="true"/> when any of them is in
    /// <see cref="PinStrengthOptions.RefusedWeaknesses"/>, and whose <see cref="PinStrengthResult.Level"/> is, in this order:
    /// <list type="number">
    /// <item><see cref="PinStrengthLevel.Low"/> if the PIN is refused, or has any predictable-pattern weakness (the first nine
    /// <see cref="PinWeakness"/> values, whether or not they are configured to refuse), or is shorter than <see cref="LowBelowLength"/>,
    /// or is only digits and at most <see cref="LowDigitsOnlyMaximumLength"/> long;</item>
    /// <item><see cref="PinStrengthLevel.High"/> if it has no weakness at all, is at least <see cref="HighMinimumLength"/> long,
    /// holds at least one ASCII letter and one ASCII digit, and has at least <see cref="HighMinimumDistinctCharacters"/> distinct
    /// characters (ASCII letters counted without regard to case);</item>
    /// <item><see cref="PinStrengthLevel.Medium"/> otherwise (possibly with no weakness listed).</item>
    /// </list>
    /// </returns>
    public PinStrengthResult Evaluate(ReadOnlySpan<char> pin)
    {
        uint found = 0;
        found |= Flag(PinWeakness.RepeatedCharacter, PinSequencePatterns.IsRepeatedCharacter(pin));
        found |= Flag(PinWeakness.SequentialRun, PinSequencePatterns.IsSequentialRun(pin));
        found |= Flag(PinWeakness.CalendarDate, PinDatePatterns.IsCalendarDate(pin));
        found |= Flag(PinWeakness.JapaneseEraDate, PinDatePatterns.IsJapaneseEraDate(pin));
        found |= Flag(PinWeakness.PhoneNumberLike, PinPhoneNumberPattern.IsPhoneNumberLike(pin));
        found |= Flag(PinWeakness.ContainsName, _names.Matches(pin));
        found |= Flag(PinWeakness.CommonPin, PinCommonList.Contains(pin));
        PinInterleavedPatterns.Kind interleaved = PinInterleavedPatterns.Classify(pin);
        found |= Flag(
            PinWeakness.KeyboardPattern,
            interleaved == PinInterleavedPatterns.Kind.KeyboardWalk || PinKeyboardPatterns.IsKeyboardPattern(pin));
        found |= Flag(PinWeakness.InterleavedSequence, interleaved == PinInterleavedPatterns.Kind.Sequence);

        int digits = 0;
        int letters = 0;
        foreach (char c in pin)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            letters += char.IsAsciiLetter(c) ? 1 : 0;
        }

        int distinct = CountDistinct(pin);
        bool digitsOnly = !pin.IsEmpty && digits == pin.Length;
        found |= Flag(PinWeakness.DigitsOnly, digitsOnly);
        found |= Flag(PinWeakness.LettersOnly, !pin.IsEmpty && letters == pin.Length);
        found |= Flag(PinWeakness.ShortLength, pin.Length <= _shortLengthThreshold);
        found |= Flag(PinWeakness.FewDistinctCharacters, distinct <= _fewDistinctCharactersThreshold);

        uint refused = found & _refused;
        PinStrengthLevel level;
        if (refused != 0
            || (found & PatternWeaknesses) != 0
            || pin.Length < LowBelowLength
            || (digitsOnly && pin.Length <= LowDigitsOnlyMaximumLength))
        {
            level = PinStrengthLevel.Low;
        }
        else if (found == 0
            && pin.Length >= HighMinimumLength
            && letters > 0
            && digits > 0
            && distinct >= HighMinimumDistinctCharacters)
        {
            level = PinStrengthLevel.High;
        }
        else
        {
            level = PinStrengthLevel.Medium;
        }

        return new PinStrengthResult(level, ToWeaknesses(found), ToWeaknesses(refused));
    }

    private static uint Bit(PinWeakness weakness) => 1u << (int)weakness;

    private static uint Flag(PinWeakness weakness, bool present) => present ? Bit(weakness) : 0;

    private static PinWeakness[] ToWeaknesses(uint mask)
    {
        var weaknesses = new PinWeakness[System.Numerics.BitOperations.PopCount(mask)];
        int next = 0;
        for (int value = (int)PinWeakness.RepeatedCharacter; value <= (int)PinWeakness.FewDistinctCharacters; value++)
        {
            if ((mask & (1u << value)) != 0)
            {
                weaknesses[next++] = (PinWeakness)value;
            }
        }

        return weaknesses;
    }

    // Quadratic, but without allocating; PINs are short.
    private static int CountDistinct(ReadOnlySpan<char> pin)
    {
        int distinct = 0;
        for (int i = 0; i < pin.Length; i++)
        {
            char c = PinCharacters.FoldAsciiCase(pin[i]);
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
            {
                seen = PinCharacters.FoldAsciiCase(pin[j]) == c;
            }

            distinct += seen ? 0 : 1;
        }

        return distinct;
    }
}
