namespace Kagi.Tokens.Pins;

/// <summary>
/// Detects two sequences interleaved character by character (<see cref="PinWeakness.InterleavedSequence"/>, and the interleaved
/// keyboard walks of <see cref="PinWeakness.KeyboardPattern"/>).
/// </summary>
internal static class PinInterleavedPatterns
{
    /// <summary>What <see cref="Classify"/> found.</summary>
    public enum Kind
    {
        /// <summary>Not two interleaved sequences.</summary>
        None,

        /// <summary>Two interleaved runs, or a run and a repeated character ("a1b2c3d4", "x1x2x3").</summary>
        Sequence,

        /// <summary>Two interleaved sequences of which at least one is a keyboard walk ("1q2w3e4r").</summary>
        KeyboardWalk,
    }

    private enum Half
    {
        None,
        Repeated,
        Run,
        Walk,
    }

    /// <summary>
    /// Looks at the characters at even positions and those at odd positions of a PIN at least
    /// <see cref="PinStrengthEvaluator.InterleavedMinimumLength"/> long: each must be a run, a repeated character or a keyboard
    /// walk of at least <see cref="PinKeyboardPatterns.WalkMinimumKeys"/> keys, and not both repeated.
    /// </summary>
    public static Kind Classify(ReadOnlySpan<char> pin)
    {
        if (pin.Length < PinStrengthEvaluator.InterleavedMinimumLength)
        {
            return Kind.None;
        }

        Half even = ClassifyHalf(pin, start: 0);
        Half odd = ClassifyHalf(pin, start: 1);
        if (even == Half.None || odd == Half.None || (even == Half.Repeated && odd == Half.Repeated))
        {
            return Kind.None;
        }

        return even == Half.Walk || odd == Half.Walk ? Kind.KeyboardWalk : Kind.Sequence;
    }

    private static Half ClassifyHalf(ReadOnlySpan<char> pin, int start)
    {
        int count = (pin.Length - start + 1) / 2;
        if (IsRepeated(pin, start, count))
        {
            return Half.Repeated;
        }

        if (IsRun(pin, start, count))
        {
            return Half.Run;
        }

        bool hasLetter = false;
        for (int i = start; i < pin.Length; i += 2)
        {
            hasLetter |= char.IsAsciiLetter(pin[i]);
        }

        // Two neighbouring keys are too often a matter of chance ("mrne") to call a four-character PIN a keyboard walk.
        return hasLetter && count >= PinKeyboardPatterns.WalkMinimumKeys && PinKeyboardPatterns.IsWalk(pin, start, count, stride: 2)
            ? Half.Walk
            : Half.None;
    }

    private static bool IsRepeated(ReadOnlySpan<char> pin, int start, int count)
    {
        char first = PinCharacters.FoldAsciiCase(pin[start]);
        if (!char.IsAsciiLetterOrDigit(first))
        {
            return false;
        }

        for (int i = 1; i < count; i++)
        {
            if (PinCharacters.FoldAsciiCase(pin[start + (2 * i)]) != first)
            {
                return false;
            }
        }

        return true;
    }

    // Digits stepping by +1 or -1 (0 follows 9), or letters stepping by +1 or -1 (no wrap), as in PinWeakness.SequentialRun.
    private static bool IsRun(ReadOnlySpan<char> pin, int start, int count)
    {
        PinCharacterClasses characterClass = PinCharacters.Classify(pin[start]);
        if (characterClass is not (PinCharacterClasses.Digits or PinCharacterClasses.Letters))
        {
            return false;
        }

        int step = 0;
        for (int i = 1; i < count; i++)
        {
            char previous = pin[start + (2 * (i - 1))];
            char next = pin[start + (2 * i)];
            if (PinCharacters.Classify(next) != characterClass)
            {
                return false;
            }

            int difference = PinCharacters.FoldAsciiCase(next) - PinCharacters.FoldAsciiCase(previous);
            if (characterClass == PinCharacterClasses.Digits)
            {
                difference = difference is 9 ? -1 : difference is -9 ? 1 : difference;
            }

            if (difference is not (1 or -1) || (step != 0 && difference != step))
            {
                return false;
            }

            step = difference;
        }

        return true;
    }
}
