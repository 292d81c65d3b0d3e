using Kagi.Cli.Resources;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Infrastructure;

/// <summary>Localized names for the token service's codes.</summary>
internal static class Describe
{
    public static string PinState(PinState state) => state switch
    {
        Tokens.Tokens.PinState.Ok => Messages.PinStateOk,
        Tokens.Tokens.PinState.CountLow => Messages.PinStateCountLow,
        Tokens.Tokens.PinState.FinalTry => Messages.PinStateFinalTry,
        Tokens.Tokens.PinState.Locked => Messages.PinStateLocked,
        Tokens.Tokens.PinState.MustBeChanged => Messages.PinStateMustChange,
        _ => Messages.PinStateNotInitialized,
    };

    /// <summary>What the user should know or do in this state; empty when nothing.</summary>
    public static string PinAdvice(PinState state) => state switch
    {
        Tokens.Tokens.PinState.CountLow => Messages.AdviceCountLow,
        Tokens.Tokens.PinState.FinalTry => Messages.AdviceFinalTry,
        Tokens.Tokens.PinState.Locked => Messages.AdviceLocked,
        Tokens.Tokens.PinState.MustBeChanged => Messages.AdviceMustChange,
        _ => string.Empty,
    };

    public static string Violation(PinPolicyViolation violation, PinPolicyResult result) => violation switch
    {
        PinPolicyViolation.Empty => Messages.PolicyEmpty,
        PinPolicyViolation.TooShort => ErrorReporter.Format(Messages.PolicyLength, result.MinLength, result.MaxLength),
        PinPolicyViolation.TooLong => ErrorReporter.Format(Messages.PolicyLength, result.MinLength, result.MaxLength),
        PinPolicyViolation.FullWidthCharacter => Messages.PolicyFullWidth,
        PinPolicyViolation.InvalidCharacter => Messages.PolicyInvalidCharacter,
        PinPolicyViolation.ConfirmationMismatch => Messages.PolicyMismatch,
        PinPolicyViolation.SameAsCurrent => Messages.PolicySameAsCurrent,
        _ => violation.ToString(),
    };

    public static string Weakness(PinWeakness weakness) => weakness switch
    {
        PinWeakness.RepeatedCharacter => Messages.WeakRepeated,
        PinWeakness.SequentialRun => Messages.WeakSequence,
        PinWeakness.CalendarDate => Messages.WeakDate,
        PinWeakness.JapaneseEraDate => Messages.WeakEraDate,
        PinWeakness.PhoneNumberLike => Messages.WeakPhone,
        PinWeakness.ContainsName => Messages.WeakName,
        PinWeakness.CommonPin => Messages.WeakCommon,
        PinWeakness.KeyboardPattern => Messages.WeakKeyboard,
        PinWeakness.InterleavedSequence => Messages.WeakInterleaved,
        PinWeakness.DigitsOnly => Messages.WeakDigitsOnly,
        PinWeakness.LettersOnly => Messages.WeakLettersOnly,
        PinWeakness.ShortLength => Messages.WeakShort,
        PinWeakness.FewDistinctCharacters => Messages.WeakFewDistinct,
        _ => weakness.ToString(),
    };

    public static string Level(PinStrengthLevel level) => level switch
    {
        PinStrengthLevel.High => Messages.StrengthHigh,
        PinStrengthLevel.Medium => Messages.StrengthMedium,
        _ => Messages.StrengthLow,
    };
}
