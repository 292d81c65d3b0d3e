namespace Kagi.Tokens.Pins;

/// <summary>Finds the holder's names in a PIN (<see cref="PinWeakness.ContainsName"/>).</summary>
internal sealed class PinNameMatcher
{
    private readonly string[] _candidates;

    /// <summary>Splits <paramref name="names"/> into parts and keeps them, with each name's parts joined forwards and backwards.</summary>
    public PinNameMatcher(IEnumerable<string> names)
    {
        var candidates = new List<string>();
        foreach (string? name in names)
        {
            if (name is null)
            {
                continue;
            }

            string[] parts = SplitParts(name);
            if (parts.Length == 0)
            {
                continue;
            }

            candidates.AddRange(parts);
            if (parts.Length > 1)
            {
                candidates.Add(string.Concat(parts));
                Array.Reverse(parts);
                candidates.Add(string.Concat(parts));
            }
        }

        _candidates = [.. candidates];
    }

    /// <summary>
    /// True if the PIN equals a candidate (ignoring case) or contains one at least <see cref="PinStrengthEvaluator.NameMinimumPartLength"/> long.
    /// </summary>
    public bool Matches(ReadOnlySpan<char> pin)
    {
        foreach (string candidate in _candidates)
        {
            if (pin.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (candidate.Length >= PinStrengthEvaluator.NameMinimumPartLength
                && pin.Contains(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SplitParts(string name)
    {
        var parts = new List<string>();
        int start = -1;
        for (int i = 0; i <= name.Length; i++)
        {
            bool isPartCharacter = i < name.Length && char.IsLetterOrDigit(name[i]);
            if (isPartCharacter && start < 0)
            {
                start = i;
            }
            else if (!isPartCharacter && start >= 0)
            {
                parts.Add(name[start..i]);
                start = -1;
            }
        }

        return [.. parts];
    }
}
