namespace Kagi.Tokens.Pins;

/// <summary>Detects whole-PIN repetitions and runs (<see cref="PinWeakness.RepeatedCharacter"/>, <see cref="PinWeakness.SequentialRun"/>).</summary>
internal static class PinSequencePatterns
{
    /// <summary>True if the PIN is one character repeated, ignoring ASCII case.</summary>
    public static bool IsRepeatedCharacter(ReadOnlySpan<char> pin)
    {
        if (pin.Length < PinStrengthEvaluator.PatternMinimumLength)
        {
            return false;
        }

        char first = PinCharacters.FoldAsciiCase(pin[0]);
        for (int i = 1; i < pin.Length; i++)
        {
            if (PinCharacters.FoldAsciiCase(pin[i]) != first)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True if the PIN is an ascending or descending run of only digits (0 follows 9) or only letters (ignoring case).</summary>
    public static bool IsSequentialRun(ReadOnlySpan<char> pin)
    {
        if (pin.Length < PinStrengthEvaluator.PatternMinimumLength)
        {
            return false;
        }

        if (IsAll(pin, PinCharacterClasses.Digits))
        {
            return IsRun(pin, step: 1, modulus: 10) || IsRun(pin, step: 9, modulus: 10);
        }

        if (IsAll(pin, PinCharacterClasses.Letters))
        {
            return IsRun(pin, step: 1, modulus: 0) || IsRun(pin, step: -1, modulus: 0);
        }

        return false;
    }

    private static bool IsAll(ReadOnlySpan<char> pin, PinCharacterClasses characterClass)
    {
        foreach (char c in pin)
        {
            if (PinCharacters.Classify(c) != characterClass)
            {
                return false;
            }
        }

        return true;
    }

    // With a modulus (digits), each step is (next - previous) mod modulus; without (letters), the plain difference.
    private static bool IsRun(ReadOnlySpan<char> pin, int step, int modulus)
    {
        for (int i = 1; i < pin.Length; i++)
        {
            int difference = PinCharacters.FoldAsciiCase(pin[i]) - PinCharacters.FoldAsciiCase(pin[i - 1]);
            if (modulus != 0)
            {
                difference = ((difference % modulus) + modulus) % modulus;
            }

            if (difference != step)
            {
                return false;
            }
        }

        return true;
    }
}
