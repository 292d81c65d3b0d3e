namespace Kagi.Tokens.Pins;

/// <summary>
/// How strong a PIN is judged to be by <see cref="PinStrengthEvaluator"/>. Values increase with strength, so they can be compared.
/// See <see cref="PinStrengthEvaluator.Evaluate(ReadOnlySpan{char})"/> for the exact rule.
/// </summary>
public enum PinStrengthLevel
{
    /// <summary>Weak: a predictable pattern, a refused weakness, a very short PIN or four or fewer digits only.</summary>
    Low = 0,

    /// <summary>Acceptable: neither <see cref="Low"/> nor <see cref="High"/>.</summary>
    Medium = 1,

    /// <summary>Strong: long, mixing letters and digits, varied, with no weakness.</summary>
    High = 2,
}
