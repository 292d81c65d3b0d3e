namespace Kagi.Ca.Profiles;

/// <summary>Character and length rules for subject attribute values.</summary>
internal static class SubjectText
{
    /// <summary>The X.520 upper bound for CN, O, OU and serialNumber.</summary>
    public const int MaxLength = 64;

    /// <summary>True for 1..<paramref name="maxLength"/> characters without control characters and without leading or trailing spaces.</summary>
    public static bool IsValid(string? value, int maxLength) =>
        value is { Length: > 0 } && value.Length <= maxLength && value.Trim() == value && !value.Any(char.IsControl);

    /// <summary>True when every character is in the PrintableString set (X.680).</summary>
    public static bool IsPrintable(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || " '()+,-./:=?".Contains(c, StringComparison.Ordinal));
}
