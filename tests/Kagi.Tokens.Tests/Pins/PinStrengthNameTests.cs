using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthNameTests
{
    private static PinStrengthResult Evaluate(string pin, params string[] names) =>
        new PinStrengthEvaluator(new PinStrengthOptions { Names = names }).Evaluate(pin);

    [Theory]
    [InlineData("taro12")]
    [InlineData("TARO99")]
    [InlineData("TaRo12")]
    [InlineData("x1yamada")]
    [InlineData("Yamada")]
    [InlineData("yamadA77")]
    [InlineData("1taro2")]
    [InlineData("taroyamada")]
    [InlineData("yamadataro")]
    public void DetectsRomanizedNamePartsAndRefusesThem(string pin)
    {
        PinStrengthResult result = Evaluate(pin, "Taro Yamada");

        Assert.True(result.Has(PinWeakness.ContainsName));
        Assert.Contains(PinWeakness.ContainsName, result.RefusalReasons);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("tar0y4m4")]
    [InlineData("yam4da")]
    [InlineData("ta12ro")]
    [InlineData("ama1")]
    [InlineData("k7d4m2x")]
    public void DoesNotDetectUnrelatedPins(string pin)
    {
        Assert.False(Evaluate(pin, "Taro Yamada").Has(PinWeakness.ContainsName));
    }

    [Theory]
    [InlineData("libo", true)] // parts joined
    [InlineData("LIBO", true)]
    [InlineData("boli", true)] // joined in reverse order
    [InlineData("li", true)] // equal to a short part
    [InlineData("bo", true)]
    [InlineData("li12", false)] // a part shorter than 3 only counts when equal
    [InlineData("12bo", false)]
    [InlineData("bolt", false)]
    [InlineData("lib0", false)]
    public void ShortNamePartsMatchOnlyWhenEqual(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin, "Li Bo").Has(PinWeakness.ContainsName));
    }

    [Theory]
    [InlineData("Yamada, Taro", "taro1")]
    [InlineData("Taro　Yamada", "yamada1")] // ideographic space separates parts
    [InlineData("Taro-Yamada", "yamada1")]
    [InlineData("O'Brien", "brien12")]
    [InlineData("O'Brien", "o")]
    [InlineData("山田 太郎", "山田太郎")]
    public void SplitsNamesAtNonAlphanumericCharacters(string name, string pin)
    {
        Assert.True(Evaluate(pin, name).Has(PinWeakness.ContainsName));
    }

    [Fact]
    public void ShortNonLatinPartIsNotMatchedWhenOnlyContained()
    {
        Assert.False(Evaluate("山田12", "山田 太郎").Has(PinWeakness.ContainsName));
    }

    [Theory]
    [InlineData("suzuki1", true)]
    [InlineData("hanako", true)]
    [InlineData("taro12", true)]
    [InlineData("hana12", false)]
    public void ChecksEveryName(string pin, bool expected)
    {
        Assert.Equal(expected, Evaluate(pin, "Taro Yamada", "Hanako Suzuki").Has(PinWeakness.ContainsName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("k7d4m2x")]
    public void BlankNamesNeverMatch(string pin)
    {
        Assert.False(Evaluate(pin, "", "   ", "-", "　").Has(PinWeakness.ContainsName));
    }

    [Fact]
    public void WithoutNamesNothingIsANameMatch()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("taro1234");

        Assert.False(result.Has(PinWeakness.ContainsName));
        Assert.Equal(PinStrengthLevel.High, result.Level);
    }

    [Fact]
    public void NameMakesOtherwiseHighPinLowAndRefused()
    {
        PinStrengthResult result = Evaluate("taro1234", "Taro Yamada");

        Assert.Equal([PinWeakness.ContainsName], result.Reasons);
        Assert.Equal([PinWeakness.ContainsName], result.RefusalReasons);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }
}
