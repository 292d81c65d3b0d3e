using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthCompositionTests
{
    private static PinStrengthResult Evaluate(string pin) => new PinStrengthEvaluator().Evaluate(pin);

    [Theory]
    [InlineData("5829", true)]
    [InlineData("582917", true)]
    [InlineData("0", true)]
    [InlineData("5829a", false)]
    [InlineData("58 29", false)]
    [InlineData("５８２９", false)] // full-width digits are not ASCII digits
    [InlineData("", false)]
    public void DetectsDigitsOnly(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin).Has(PinWeakness.DigitsOnly));
    }

    [Theory]
    [InlineData("qwer", true)]
    [InlineData("QwEr", true)]
    [InlineData("a", true)]
    [InlineData("qwe1", false)]
    [InlineData("qw!r", false)]
    [InlineData("ｑｗｅｒ", false)]
    [InlineData("", false)]
    public void DetectsLettersOnly(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin).Has(PinWeakness.LettersOnly));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("q7w", true)]
    [InlineData("qw3r", true)] // at the default threshold of 4
    [InlineData("qw3r5", false)]
    [InlineData("qw3r5t7x", false)]
    public void DetectsShortLength(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin).Has(PinWeakness.ShortLength));
    }

    [Theory]
    [InlineData(6, "qw3r5t", true)]
    [InlineData(6, "qw3r5t7", false)]
    [InlineData(0, "", true)]
    [InlineData(0, "a", false)]
    public void ShortLengthFollowsThreshold(int threshold, string pin, bool expected)
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { ShortLengthThreshold = threshold });

        Assert.Equal(expected, evaluator.Evaluate(pin).Has(PinWeakness.ShortLength));
    }

    [Theory]
    [InlineData("1212", true)]
    [InlineData("abBA", true)] // letters counted without regard to case
    [InlineData("aaab", true)]
    [InlineData("a", true)]
    [InlineData("", true)]
    [InlineData("aaaa1111", true)]
    [InlineData("1213", false)]
    [InlineData("abcA", false)]
    public void DetectsFewDistinctCharacters(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin).Has(PinWeakness.FewDistinctCharacters));
    }

    [Theory]
    [InlineData(3, "1213", true)]
    [InlineData(3, "1234", false)]
    [InlineData(0, "", true)]
    [InlineData(0, "a", false)]
    public void FewDistinctCharactersFollowsThreshold(int threshold, string pin, bool expected)
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { FewDistinctCharactersThreshold = threshold });

        Assert.Equal(expected, evaluator.Evaluate(pin).Has(PinWeakness.FewDistinctCharacters));
    }

    [Fact]
    public void CompositionWeaknessesDoNotRefuseByDefault()
    {
        PinStrengthResult letters = Evaluate("hkxm");
        PinStrengthResult digits = Evaluate("5829");
        PinStrengthResult few = Evaluate("aaaa1111");

        Assert.Equal([PinWeakness.LettersOnly, PinWeakness.ShortLength], letters.Reasons);
        Assert.Equal([PinWeakness.DigitsOnly, PinWeakness.ShortLength], digits.Reasons);
        Assert.Equal([PinWeakness.FewDistinctCharacters], few.Reasons);
        Assert.False(letters.IsRefused);
        Assert.False(digits.IsRefused);
        Assert.False(few.IsRefused);
        Assert.Empty(letters.RefusalReasons);
    }
}
