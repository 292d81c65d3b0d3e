using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthCalendarDateTests
{
    [Theory]
    [InlineData("19850412")] // YYYYMMDD
    [InlineData("20240229")] // leap year
    [InlineData("20000229")] // divisible by 400: leap year
    [InlineData("19000101")] // first year
    [InlineData("20991231")] // last year
    [InlineData("850412")] // YYMMDD
    [InlineData("850229")] // February 29 is allowed when the year is two digits
    [InlineData("000229")]
    [InlineData("991231")]
    [InlineData("310430")] // Heisei 31, April 30 written without its era letter
    [InlineData("0412")] // MMDD
    [InlineData("0229")]
    [InlineData("0101")]
    [InlineData("1231")]
    [InlineData("1130")]
    public void DetectsCalendarDateAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.CalendarDate));
        Assert.Contains(PinWeakness.CalendarDate, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("20230229")] // not a leap year
    [InlineData("19000229")] // divisible by 100 but not 400: not a leap year
    [InlineData("18991231")] // before 1900
    [InlineData("21000101")] // after 2099
    [InlineData("20241301")] // month 13
    [InlineData("20240001")] // month 0
    [InlineData("20240431")] // April has 30 days
    [InlineData("20240100")] // day 0
    [InlineData("2024022a")]
    [InlineData("851332")]
    [InlineData("850012")]
    [InlineData("850230")]
    [InlineData("850431")]
    [InlineData("851100")]
    [InlineData("8504a2")]
    [InlineData("2024")] // a year alone: month 20 is not a month
    [InlineData("1985")]
    [InlineData("0230")]
    [InlineData("0431")]
    [InlineData("1301")]
    [InlineData("0012")]
    [InlineData("0100")]
    [InlineData("0000")]
    [InlineData("1232")]
    [InlineData("04a2")]
    [InlineData("04122")] // 5 digits: no date form
    [InlineData("1985041")] // 7 digits: no date form
    [InlineData("198504121")] // 9 digits: no date form
    [InlineData("０４１２")] // full-width digits
    public void DoesNotDetectCalendarDate(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.CalendarDate));
    }
}
