using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthLevelTests
{
    private static PinStrengthResult Evaluate(string pin) => new PinStrengthEvaluator().Evaluate(pin);

    [Theory]
    [InlineData("1111")] // repeated
    [InlineData("1234")] // run
    [InlineData("abcd")]
    [InlineData("0412")] // date
    [InlineData("19850412")]
    [InlineData("R051231")] // era date
    [InlineData("0312345")] // phone-like
    [InlineData("aaaaaaaa")]
    [InlineData("password")] // commonly used
    [InlineData("qwertyui")] // keyboard walk
    [InlineData("qwer")]
    [InlineData("qwerty12")]
    [InlineData("a1b2c3d4")] // interleaved runs
    [InlineData("5829")] // four digits only, not refused
    [InlineData("0")]
    [InlineData("7d4")] // shorter than 4
    [InlineData("a")]
    [InlineData("")]
    public void LowLevel(string pin)
    {
        Assert.Equal(PinStrengthLevel.Low, Evaluate(pin).Level);
    }

    [Theory]
    [InlineData("hkxm")] // letters only, short
    [InlineData("7d4k")] // mixed but only 4 long
    [InlineData("582917")] // six digits only, not a date
    [InlineData("58291736")] // eight digits only, not a date
    [InlineData("k7d4m2")] // no weakness but only 6 long
    [InlineData("abab1212")] // 4 distinct characters
    [InlineData("aabb112")] // 7 long, 4 distinct characters
    [InlineData("aAbB112")] // case does not add distinct characters
    [InlineData("mhkdxpwz")] // letters only
    [InlineData("49581726")] // digits only
    [InlineData("!@#$%^&")] // no letter and no digit
    [InlineData("aaaa1111")] // few distinct characters
    public void MediumLevel(string pin)
    {
        Assert.Equal(PinStrengthLevel.Medium, Evaluate(pin).Level);
    }

    [Theory]
    [InlineData("k7d4m2x")] // exactly 7
    [InlineData("ab12cd3")]
    [InlineData("aabb123")] // exactly 5 distinct characters
    [InlineData("aAbB123")]
    [InlineData("Xr4t9Lq2")]
    [InlineData("Kagi2025x")]
    [InlineData("a1!b2@c")]
    [InlineData("X051231")]
    public void HighLevel(string pin)
    {
        PinStrengthResult result = Evaluate(pin);

        Assert.Equal(PinStrengthLevel.High, result.Level);
        Assert.Empty(result.Reasons);
        Assert.False(result.IsRefused);
    }

    [Fact]
    public void MediumMayHaveNoListedWeakness()
    {
        PinStrengthResult result = Evaluate("k7d4m2");

        Assert.Equal(PinStrengthLevel.Medium, result.Level);
        Assert.Empty(result.Reasons);
    }

    [Fact]
    public void PatternIsLowEvenWhenNothingIsRefused()
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { RefusedWeaknesses = [] });

        foreach (string pin in new[] { "1111", "abcdefg", "19850412", "R051231", "0312345", "iloveyou", "zxcv5678", "a1b2c3d4" })
        {
            PinStrengthResult result = evaluator.Evaluate(pin);

            Assert.False(result.IsRefused);
            Assert.Empty(result.RefusalReasons);
            Assert.NotEmpty(result.Reasons);
            Assert.Equal(PinStrengthLevel.Low, result.Level);
        }
    }

    [Fact]
    public void RefusedCompositionWeaknessMakesLevelLow()
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { RefusedWeaknesses = [PinWeakness.DigitsOnly] });

        PinStrengthResult result = evaluator.Evaluate("582917");

        Assert.True(result.IsRefused);
        Assert.Equal([PinWeakness.DigitsOnly], result.RefusalReasons);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Fact]
    public void AnyUnrefusedWeaknessPreventsHigh()
    {
        var shortEvaluator = new PinStrengthEvaluator(new PinStrengthOptions { ShortLengthThreshold = 8 });
        var distinctEvaluator = new PinStrengthEvaluator(new PinStrengthOptions { FewDistinctCharactersThreshold = 5 });

        PinStrengthResult shortResult = shortEvaluator.Evaluate("k7d4m2x");
        PinStrengthResult distinctResult = distinctEvaluator.Evaluate("aabb123");

        Assert.Equal([PinWeakness.ShortLength], shortResult.Reasons);
        Assert.Equal(PinStrengthLevel.Medium, shortResult.Level);
        Assert.Equal([PinWeakness.FewDistinctCharacters], distinctResult.Reasons);
        Assert.Equal(PinStrengthLevel.Medium, distinctResult.Level);
    }

    [Fact]
    public void LevelsAreOrderedByStrength()
    {
        Assert.True(PinStrengthLevel.Low < PinStrengthLevel.Medium);
        Assert.True(PinStrengthLevel.Medium < PinStrengthLevel.High);
    }
}
