using Kagi.Pkcs11;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;

namespace Kagi.Agent.Ui;

/// <summary>Texts for PIN states, policy violations, weaknesses and strength levels, and the shared new-PIN check.</summary>
internal static class PinDescriptions
{
    public static string State(Texts t, PinState state) => t[state switch
    {
        PinState.Ok => "PinStateOk",
        PinState.CountLow => "PinStateCountLow",
        PinState.FinalTry => "PinStateFinalTry",
        PinState.Locked => "PinStateLocked",
        PinState.MustBeChanged => "PinStateMustChange",
        _ => "PinStateNotInitialized",
    }];

    public static string? Advice(Texts t, PinState state) => state switch
    {
        PinState.CountLow => t["AdviceCountLow"],
        PinState.FinalTry => t["AdviceFinalTry"],
        PinState.Locked => t["AdviceLocked"],
        PinState.MustBeChanged => t["AdviceMustChange"],
        _ => null,
    };

    public static string Violation(Texts t, PinPolicyViolation v, PinPolicyResult r) => v switch
    {
        PinPolicyViolation.Empty => t["PolicyEmpty"],
        PinPolicyViolation.TooShort or PinPolicyViolation.TooLong => t.Format("PolicyLength", r.MinLength, r.MaxLength),
        PinPolicyViolation.FullWidthCharacter => t["PolicyFullWidth"],
        PinPolicyViolation.InvalidCharacter => t["PolicyInvalidCharacter"],
        PinPolicyViolation.ConfirmationMismatch => t["PolicyMismatch"],
        PinPolicyViolation.SameAsCurrent => t["PolicySameAsCurrent"],
        _ => v.ToString(),
    };

    public static string Weakness(Texts t, PinWeakness w) => t[w switch
    {
        PinWeakness.RepeatedCharacter => "WeakRepeated",
        PinWeakness.SequentialRun => "WeakSequence",
        PinWeakness.CalendarDate => "WeakDate",
        PinWeakness.JapaneseEraDate => "WeakEraDate",
        PinWeakness.PhoneNumberLike => "WeakPhone",
        PinWeakness.ContainsName => "WeakName",
        PinWeakness.CommonPin => "WeakCommon",
        PinWeakness.KeyboardPattern => "WeakKeyboard",
        PinWeakness.InterleavedSequence => "WeakInterleaved",
        PinWeakness.DigitsOnly => "WeakDigitsOnly",
        PinWeakness.LettersOnly => "WeakLettersOnly",
        PinWeakness.ShortLength => "WeakShort",
        _ => "WeakFewDistinct",
    }];

    public static string Level(Texts t, PinStrengthLevel level) => t[level switch
    {
        PinStrengthLevel.High => "StrengthHigh",
        PinStrengthLevel.Medium => "StrengthMedium",
        _ => "StrengthLow",
    }];

    /// <summary>
    /// Checks a new PIN (and confirmation) against the policy and the strength rules. Returns the problems for the
    /// new-PIN field and for the confirmation field separately, and the strength when the PIN itself is acceptable.
    /// </summary>
    public static NewPinCheck Check(Texts t, string current, string next, string confirmation, IReadOnlyList<string> names)
    {
        using PinBuffer c = PinBuffer.FromChars(current);
        using PinBuffer n = PinBuffer.FromChars(next);
        using PinBuffer f = PinBuffer.FromChars(confirmation);
        var changer = new PinChanger(new PinPolicyValidator(), new PinStrengthEvaluator(new PinStrengthOptions { Names = names }));
        (PinPolicyResult policy, PinStrengthResult? strength) = changer.Check(c, n, f);

        // The strength meter follows the new PIN even while the confirmation is still being typed.
        PinStrengthResult? meter = strength;
        if (meter is null && next.Length > 0 && policy.Violations.All(v => v == PinPolicyViolation.ConfirmationMismatch))
        {
            using PinBuffer same = PinBuffer.FromChars(next);
            meter = changer.Check(c, n, same).Strength;
        }

        string[] pinProblems = policy.Violations.Where(v => v != PinPolicyViolation.ConfirmationMismatch).Select(v => Violation(t, v, policy))
            .Concat(meter?.RefusalReasons.Select(w => t.Format("WeakRefused", Weakness(t, w))) ?? []).ToArray();
        string[] confirmProblems = policy.Has(PinPolicyViolation.ConfirmationMismatch) && confirmation.Length > 0 ? [Violation(t, PinPolicyViolation.ConfirmationMismatch, policy)] : [];
        bool valid = policy.IsValid && strength is { IsRefused: false };
        return new NewPinCheck(valid, meter?.Level, meter is null ? null : Level(t, meter.Level), pinProblems, confirmProblems,
            meter?.Reasons.Where(r => !meter.RefusalReasons.Contains(r)).Select(w => Weakness(t, w)).ToArray() ?? []);
    }
}

/// <summary>The result of <see cref="PinDescriptions.Check"/>, as the pages and /api/pin-check show it.</summary>
/// <param name="Valid">True when the new PIN may be set.</param>
/// <param name="Level">Strength level, when the new PIN could be evaluated.</param>
/// <param name="LevelText">The level's text.</param>
/// <param name="PinProblems">Problems of the new PIN.</param>
/// <param name="ConfirmationProblems">Problems of the confirmation.</param>
/// <param name="Hints">Weaknesses that are allowed but lower the strength.</param>
internal sealed record NewPinCheck(bool Valid, PinStrengthLevel? Level, string? LevelText, string[] PinProblems, string[] ConfirmationProblems, string[] Hints);
