using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthEraDateTests
{
    [Theory]
    [InlineData("R051231")] // Reiwa 5, December 31
    [InlineData("r051231")] // lower-case era letter
    [InlineData("R010501")] // first day of Reiwa
    [InlineData("R991231")] // Reiwa has no end: any two-digit year
    [InlineData("H310430")] // last day of Heisei
    [InlineData("h310430")]
    [InlineData("H010108")] // first day of Heisei
    [InlineData("H040229")] // Heisei 4 = 1992, a leap year
    [InlineData("S640107")] // last day of Showa
    [InlineData("S011225")] // first day of Showa
    [InlineData("S590229")] // Showa 59 = 1984, a leap year
    [InlineData("T010730")] // first day of Taisho
    [InlineData("T151225")] // last day of Taisho
    [InlineData("M010101")] // Meiji 1 = 1868
    [InlineData("M450730")] // last day of Meiji
    public void DetectsJapaneseEraDateAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.JapaneseEraDate));
        Assert.Contains(PinWeakness.JapaneseEraDate, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("R010430")] // before Reiwa began
    [InlineData("H310501")] // after Heisei ended
    [InlineData("H010107")] // before Heisei began
    [InlineData("S640108")] // after Showa ended
    [InlineData("S011224")] // before Showa began
    [InlineData("T151226")] // after Taisho ended
    [InlineData("T010729")] // before Taisho began
    [InlineData("M450731")] // after Meiji ended
    [InlineData("M460101")] // there is no Meiji 46
    [InlineData("H050229")] // Heisei 5 = 1993, not a leap year
    [InlineData("R000101")] // era years start at 1
    [InlineData("R051331")] // month 13
    [InlineData("R050001")] // month 0
    [InlineData("R050230")]
    [InlineData("R050100")] // day 0
    [InlineData("X051231")] // not an era letter
    [InlineData("A051231")]
    [InlineData("RR51231")]
    [InlineData("R05123a")]
    [InlineData("R05123")] // too short
    [InlineData("R0512311")] // too long
    [InlineData("1051231")] // no letter
    [InlineData("Ｒ051231")] // full-width letter
    public void DoesNotDetectJapaneseEraDate(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.JapaneseEraDate));
    }

    [Fact]
    public void EraDateIsNotAlsoReportedAsCalendarDate()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("R051231");

        Assert.Equal([PinWeakness.JapaneseEraDate], result.Reasons);
    }

    [Fact]
    public void SameShapeWithoutEraLetterIsHigh()
    {
        // Guards against the era rule being dropped: only the letter differs from R051231.
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("X051231");

        Assert.Empty(result.Reasons);
        Assert.Equal(PinStrengthLevel.High, result.Level);
    }
}
