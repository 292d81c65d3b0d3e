using System.Collections.ObjectModel;

namespace Kagi.Tokens.Pins;

/// <summary>
/// The outcome of checking a new PIN against a <see cref="PinPolicy"/>: codes only, never the PIN itself.
/// Also carries the policy's limits, so that a UI can say, for example, "4–8 characters".
/// </summary>
public sealed class PinPolicyResult
{
    internal PinPolicyResult(PinPolicyViolation[] violations, PinPolicy policy)
    {
        Violations = violations.Length == 0 ? ReadOnlyCollection<PinPolicyViolation>.Empty : Array.AsReadOnly(violations);
        MinLength = policy.MinLength;
        MaxLength = policy.MaxLength;
        AllowedCharacters = policy.AllowedCharacters;
    }

    /// <summary>
    /// Every violation found, each at most once, in ascending <see cref="PinPolicyViolation"/> value (the order of relevance).
    /// Empty when the new PIN is acceptable.
    /// </summary>
    public IReadOnlyList<PinPolicyViolation> Violations { get; }

    /// <summary><see langword="true"/> if no violation was found and the new PIN may be set; otherwise <see langword="false"/>.</summary>
    public bool IsValid => Violations.Count == 0;

    /// <summary>The most relevant violation (the first of <see cref="Violations"/>), or <see langword="null"/> when the PIN is valid.</summary>
    public PinPolicyViolation? FirstViolation => Violations.Count == 0 ? null : Violations[0];

    /// <summary>The policy's minimum length, in characters.</summary>
    public int MinLength { get; }

    /// <summary>The policy's maximum length, in characters.</summary>
    public int MaxLength { get; }

    /// <summary>The character classes the policy allows.</summary>
    public PinCharacterClasses AllowedCharacters { get; }

    /// <summary>Tells whether a given violation was found.</summary>
    /// <param name="violation">The violation to look for.</param>
    /// <returns><see langword="true"/> if <paramref name="violation"/> is in <see cref="Violations"/>; otherwise <see langword="false"/>.</returns>
    public bool Has(PinPolicyViolation violation) => Violations.Contains(violation);
}
