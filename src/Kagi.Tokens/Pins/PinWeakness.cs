namespace Kagi.Tokens.Pins;

/// <summary>
/// A reason why a PIN is weak, found by <see cref="PinStrengthEvaluator"/>. These are codes for the UI to localize; they never carry the PIN.
/// </summary>
/// <remarks>
/// <para>
/// The first nine values are predictable patterns: they always make the level <see cref="PinStrengthLevel.Low"/>, and by default
/// (<see cref="PinStrengthOptions.DefaultRefusedWeaknesses"/>) they refuse the PIN. The last four only describe its makeup and
/// by default do not refuse it. Which weaknesses refuse is set by <see cref="PinStrengthOptions.RefusedWeaknesses"/>.
/// </para>
/// <para>
/// All pattern rules look at the whole PIN, not at a part of it (except <see cref="ContainsName"/>, and the digits that
/// <see cref="CommonPin"/> and <see cref="KeyboardPattern"/> allow after or around a word or walk). Letters are compared without
/// regard to ASCII case. <see cref="PinStrengthResult.Reasons"/> lists weaknesses in ascending value.
/// </para>
/// </remarks>
public enum PinWeakness
{
    /// <summary>
    /// The whole PIN, at least <see cref="PinStrengthEvaluator.PatternMinimumLength"/> characters long, is one character repeated
    /// (such as "1111", "aaaa" or "aAaA").
    /// </summary>
    RepeatedCharacter = 1,

    /// <summary>
    /// The whole PIN, at least <see cref="PinStrengthEvaluator.PatternMinimumLength"/> characters long, is an ascending or descending run
    /// of only digits or only letters, each character one step from the previous one: "1234", "8765", "abcd", "DcBa". For digits, '0'
    /// follows '9' (the keyboard row 1234567890), so "7890" and "8901" are runs too; letters do not wrap ("yzab" is not a run).
    /// </summary>
    SequentialRun = 2,

    /// <summary>
    /// The whole PIN is ASCII digits forming a Gregorian calendar date:
    /// YYYYMMDD (8 digits, years 1900–2099, an exact date, so 20240229 is a date and 20230229 is not);
    /// YYMMDD (6 digits) or MMDD (4 digits), with a month of 01–12 and a day that exists in that month, February 29 included
    /// (a two-digit year may be of either century or an era year). A four-digit year alone, such as "2024", is not a date.
    /// </summary>
    CalendarDate = 3,

    /// <summary>
    /// The whole PIN is a Japanese era letter — M (Meiji), T (Taishō), S (Shōwa), H (Heisei) or R (Reiwa), either case — followed by
    /// YYMMDD (7 characters), naming a real day of that era: "R051231" (Reiwa 5, December 31), "H310430" (the last day of Heisei).
    /// The era year starts at 01; a day outside the era (such as "H310501") is not an era date. Meiji is taken to start on
    /// 1868-01-01 and to end on 1912-07-30; Taishō runs 1912-07-30 to 1926-12-25; Shōwa 1926-12-25 to 1989-01-07; Heisei 1989-01-08
    /// to 2019-04-30; Reiwa from 2019-05-01 with any two-digit year (no clock is read). The digits-only form is <see cref="CalendarDate"/>'s YYMMDD.
    /// </summary>
    JapaneseEraDate = 4,

    /// <summary>
    /// The whole PIN looks like a Japanese phone number: only ASCII digits, at least <see cref="PinStrengthEvaluator.PhoneNumberMinimumLength"/>
    /// of them, starting with '0' (such as "0312345" or "09012345678").
    /// </summary>
    PhoneNumberLike = 5,

    /// <summary>
    /// The PIN contains, ignoring case, a part of one of <see cref="PinStrengthOptions.Names"/> at least
    /// <see cref="PinStrengthEvaluator.NameMinimumPartLength"/> characters long, or equals a part of any length, or equals or contains
    /// the parts joined in order or in reverse order. See <see cref="PinStrengthOptions.Names"/> for how names are split into parts.
    /// </summary>
    ContainsName = 6,

    /// <summary>
    /// The PIN is, ignoring case, on Kagi's list of commonly used PINs and passwords (an embedded list of a few hundred entries:
    /// numeric PINs such as "2580", "1004" or "4649", passwords such as "password", "iloveyou" or "abc123", cut to at most 8
    /// characters, and Japanese-context words such as "sakura"). It also matches with the digits and symbols at its end
    /// removed ("monkey12", "dragon!"), and with look-alike digits and symbols read as letters — 0 as o, 1 as i or l, 3 as e,
    /// 4 and @ as a, 5 and $ as s, 7 as t — ("p4ssw0rd", "l3tmein"). Runs and repeated characters are left to
    /// <see cref="SequentialRun"/> and <see cref="RepeatedCharacter"/>.
    /// </summary>
    CommonPin = 7,

    /// <summary>
    /// The PIN, at least <see cref="PinStrengthEvaluator.KeyboardPatternMinimumLength"/> characters of ASCII letters and digits with at
    /// least one letter, follows the keys of a QWERTY keyboard. A walk is at least three neighbouring keys in one direction along a
    /// row ("qwer", "lkjh", "zxcv", "7890") or down or up a column ("1qaz", "xsw2"). It is one of:
    /// walks one after another ("qwerty", "qazwsx", "1qaz2wsx", "zaq12wsx", "zxcv5678", "qwe123");
    /// walks of at least four keys with digits before or after them ("qwerty12", "1234asdf");
    /// or two interleaved sequences of which one is a walk of at least three keys and the other a walk, a run or a repeated
    /// character ("1q2w3e4r", "q1w2e3r", "a1s2d3f4": every other character is one of them). A PIN of digits only is never a keyboard pattern
    /// (a walk along the digit row is a <see cref="SequentialRun"/>).
    /// </summary>
    KeyboardPattern = 8,

    /// <summary>
    /// The PIN, at least <see cref="PinStrengthEvaluator.InterleavedMinimumLength"/> characters long, is two interleaved sequences:
    /// the characters at even positions and those at odd positions are each a run (as in <see cref="SequentialRun"/>, at least two
    /// long) or a repeated character, and not both repeated: "a1b2c3d4", "1a2b3c", "9z8y", "x1x2x3". When one of them is a keyboard
    /// walk instead, the PIN is a <see cref="KeyboardPattern"/>.
    /// </summary>
    InterleavedSequence = 9,

    /// <summary>The PIN is not empty and is only ASCII digits.</summary>
    DigitsOnly = 10,

    /// <summary>The PIN is not empty and is only ASCII letters.</summary>
    LettersOnly = 11,

    /// <summary>The PIN is at most <see cref="PinStrengthOptions.ShortLengthThreshold"/> characters long (by default 4, the policy minimum).</summary>
    ShortLength = 12,

    /// <summary>
    /// The PIN has at most <see cref="PinStrengthOptions.FewDistinctCharactersThreshold"/> distinct characters (by default 2), ASCII letters
    /// counted without regard to case (such as "1212" or "abBA").
    /// </summary>
    FewDistinctCharacters = 13,
}
