using System.Collections.ObjectModel;

namespace Kagi.Tokens.Pins;

/// <summary>The outcome of <see cref="PinStrengthEvaluator.Evaluate(ReadOnlySpan{char})"/>: codes only, never the PIN itself.</summary>
public sealed class PinStrengthResult
{
    internal PinStrengthResult(PinStrengthLevel level, PinWeakness[] reasons, PinWeakness[] refusalReasons)
    {
        Level = level;
        Reasons = reasons.Length == 0 ? ReadOnlyCollection<PinWeakness>.Empty : Array.AsReadOnly(reasons);
        RefusalReasons = refusalReasons.Length == 0 ? ReadOnlyCollection<PinWeakness>.Empty : Array.AsReadOnly(refusalReasons);
    }

    /// <summary>The strength level.</summary>
    public PinStrengthLevel Level { get; }

    /// <summary>Every weakness found, each at most once, in ascending <see cref="PinWeakness"/> value. Empty when none was found.</summary>
    public IReadOnlyList<PinWeakness> Reasons { get; }

    /// <summary>
    /// The weaknesses found that <see cref="PinStrengthOptions.RefusedWeaknesses"/> names, in ascending value: a subset of
    /// <see cref="Reasons"/>. Empty when the PIN is not refused.
    /// </summary>
    public IReadOnlyList<PinWeakness> RefusalReasons { get; }

    /// <summary>
    /// <see langword="true"/> if the PIN must not be set because it has at least one refused weakness (<see cref="RefusalReasons"/>
    /// is not empty); otherwise <see langword="false"/>.
    /// </summary>
    public bool IsRefused => RefusalReasons.Count > 0;

    /// <summary>Tells whether a given weakness was found.</summary>
    /// <param name="weakness">The weakness to look for.</param>
    /// <returns><see langword="true"/> if <paramref name="weakness"/> is in <see cref="Reasons"/>; otherwise <see langword="false"/>.</returns>
    public bool Has(PinWeakness weakness) => Reasons.Contains(weakness);
}
