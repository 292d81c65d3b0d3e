using System.Collections.ObjectModel;

namespace Kagi.Tokens.Pins;

/// <summary>
/// Settings for <see cref="PinStrengthEvaluator"/>. The evaluator takes a snapshot of them when it is created, so changing a
/// collection given here afterwards has no effect on it.
/// </summary>
public sealed class PinStrengthOptions
{
    /// <summary>The default for <see cref="ShortLengthThreshold"/>: 4, the default <see cref="PinPolicy.MinLength"/>.</summary>
    public const int DefaultShortLengthThreshold = 4;

    /// <summary>The default for <see cref="FewDistinctCharactersThreshold"/>: 2.</summary>
    public const int DefaultFewDistinctCharactersThreshold = 2;

    private IReadOnlyCollection<PinWeakness> _refusedWeaknesses = DefaultRefusedWeaknesses;
    private IReadOnlyList<string> _names = ReadOnlyCollection<string>.Empty;
    private int _shortLengthThreshold = DefaultShortLengthThreshold;
    private int _fewDistinctCharactersThreshold = DefaultFewDistinctCharactersThreshold;

    /// <summary>
    /// The weaknesses that refuse a PIN by default: the predictable patterns <see cref="PinWeakness.RepeatedCharacter"/>,
    /// <see cref="PinWeakness.SequentialRun"/>, <see cref="PinWeakness.CalendarDate"/>, <see cref="PinWeakness.JapaneseEraDate"/>,
    /// <see cref="PinWeakness.PhoneNumberLike"/>, <see cref="PinWeakness.ContainsName"/>, <see cref="PinWeakness.CommonPin"/>,
    /// <see cref="PinWeakness.KeyboardPattern"/> and <see cref="PinWeakness.InterleavedSequence"/>.
    /// </summary>
    public static IReadOnlyList<PinWeakness> DefaultRefusedWeaknesses { get; } = Array.AsReadOnly(
    [
        PinWeakness.RepeatedCharacter,
        PinWeakness.SequentialRun,
        PinWeakness.CalendarDate,
        PinWeakness.JapaneseEraDate,
        PinWeakness.PhoneNumberLike,
        PinWeakness.ContainsName,
        PinWeakness.CommonPin,
        PinWeakness.KeyboardPattern,
        PinWeakness.InterleavedSequence,
    ]);

    /// <summary>
    /// The weaknesses that refuse a PIN (<see cref="PinStrengthResult.IsRefused"/>) when found. Defaults to
    /// <see cref="DefaultRefusedWeaknesses"/>; an empty collection refuses nothing. Duplicates are harmless.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value holds a number that is not a defined <see cref="PinWeakness"/>.</exception>
    public IReadOnlyCollection<PinWeakness> RefusedWeaknesses
    {
        get => _refusedWeaknesses;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (PinWeakness weakness in value)
            {
                if (!Enum.IsDefined(weakness))
                {
                    throw new ArgumentOutOfRangeException(nameof(value));
                }
            }

            _refusedWeaknesses = value;
        }
    }

    /// <summary>
    /// The PIN holder's names, when known, such as the romanized "Taro Yamada"; empty by default. Each name is split into parts at
    /// every character that is not a letter or digit (spaces, the ideographic space, commas, dots, hyphens, apostrophes, ...);
    /// empty parts are dropped, and a name with no part is ignored. See <see cref="PinWeakness.ContainsName"/> for the matching rule.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public IReadOnlyList<string> Names
    {
        get => _names;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _names = value;
        }
    }

    /// <summary>
    /// A PIN at most this long has the weakness <see cref="PinWeakness.ShortLength"/>. Defaults to
    /// <see cref="DefaultShortLengthThreshold"/>; 0 reports it only for an empty PIN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ShortLengthThreshold
    {
        get => _shortLengthThreshold;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _shortLengthThreshold = value;
        }
    }

    /// <summary>
    /// A PIN with at most this many distinct characters (ASCII letters counted without regard to case) has the weakness
    /// <see cref="PinWeakness.FewDistinctCharacters"/>. Defaults to <see cref="DefaultFewDistinctCharactersThreshold"/>;
    /// 0 reports it only for an empty PIN.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int FewDistinctCharactersThreshold
    {
        get => _fewDistinctCharactersThreshold;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _fewDistinctCharactersThreshold = value;
        }
    }
}
