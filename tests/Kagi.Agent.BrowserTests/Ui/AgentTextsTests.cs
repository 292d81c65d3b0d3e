using Kagi.Agent.Ui;
using Kagi.Enrollment;
using Kagi.Tokens.Pins;

namespace Kagi.Agent.BrowserTests.Ui;

/// <summary>The agent's ja/en texts: every outcome the wizard can end with has its own message in both languages.</summary>
public sealed class AgentTextsTests
{
    public static TheoryData<EnrollmentFailure> Failures() => new(Enum.GetValues<EnrollmentFailure>());

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_enrollment_failure_has_a_japanese_and_an_english_message(EnrollmentFailure failure)
    {
        // The wizard's result page shows the text "Failure" + the failure's name (WizardPages).
        string key = "Failure" + failure;
        Assert.Contains(key, Texts.Keys);
        string ja = Texts.JapaneseTexts[key];
        string en = Texts.EnglishTexts[key];
        Assert.False(string.IsNullOrWhiteSpace(ja));
        Assert.False(string.IsNullOrWhiteSpace(en));
        Assert.NotEqual(en, ja);
        Assert.True(ja.Any(c => c > 0x3000), "not Japanese: " + ja);
        Assert.False(en.Any(c => c > 0x3000), "not English: " + en);
    }

    public static TheoryData<PinWeakness> Weaknesses() => new(Enum.GetValues<PinWeakness>());

    [Theory]
    [MemberData(nameof(Weaknesses))]
    public void Every_pin_weakness_has_its_own_japanese_and_english_reason(PinWeakness weakness)
    {
        string ja = PinDescriptions.Weakness(Texts.JapaneseTexts, weakness);
        string en = PinDescriptions.Weakness(Texts.EnglishTexts, weakness);
        Assert.True(ja.Any(c => c > 0x3000), "not Japanese: " + ja);
        Assert.False(en.Any(c => c > 0x3000), "not English: " + en);
        foreach (PinWeakness other in Enum.GetValues<PinWeakness>().Where(w => w != weakness))
        {
            Assert.NotEqual(PinDescriptions.Weakness(Texts.EnglishTexts, other), en);
        }
    }

    [Theory]
    [InlineData("FailureStoragePinUsed", "再発行", "new storage PIN")]
    [InlineData("FailureStoragePinReissued", "最新のメール", "newest e-mail")]
    [InlineData("FailureTokenError", "やり直して", "start the storage again")]
    public void The_newer_failures_tell_the_user_what_to_do(string key, string japaneseStep, string englishStep)
    {
        Assert.Contains(japaneseStep, Texts.JapaneseTexts[key], StringComparison.Ordinal);
        Assert.Contains(englishStep, Texts.EnglishTexts[key], StringComparison.Ordinal);
    }
}
