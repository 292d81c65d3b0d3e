using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthRefusalTests
{
    [Fact]
    public void ReasonsAndRefusalReasonsAreListedInEnumOrder()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("1111"); // also November 11

        Assert.Equal(
            [
                PinWeakness.RepeatedCharacter,
                PinWeakness.CalendarDate,
                PinWeakness.DigitsOnly,
                PinWeakness.ShortLength,
                PinWeakness.FewDistinctCharacters,
            ],
            result.Reasons);
        Assert.Equal([PinWeakness.RepeatedCharacter, PinWeakness.CalendarDate], result.RefusalReasons);
    }

    [Fact]
    public void RunWithFourDigits()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("1234");

        Assert.Equal([PinWeakness.SequentialRun, PinWeakness.DigitsOnly, PinWeakness.ShortLength], result.Reasons);
        Assert.Equal([PinWeakness.SequentialRun], result.RefusalReasons);
    }

    [Fact]
    public void RunThatLooksLikePhoneNumber()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("01234567");

        Assert.Equal([PinWeakness.SequentialRun, PinWeakness.PhoneNumberLike, PinWeakness.DigitsOnly], result.Reasons);
        Assert.Equal([PinWeakness.SequentialRun, PinWeakness.PhoneNumberLike], result.RefusalReasons);
    }

    [Theory]
    [InlineData(PinWeakness.RepeatedCharacter, "1111")]
    [InlineData(PinWeakness.SequentialRun, "1234")]
    [InlineData(PinWeakness.CalendarDate, "0412")]
    [InlineData(PinWeakness.JapaneseEraDate, "R051231")]
    [InlineData(PinWeakness.PhoneNumberLike, "0312345")]
    [InlineData(PinWeakness.CommonPin, "password")]
    [InlineData(PinWeakness.KeyboardPattern, "qwerty12")]
    [InlineData(PinWeakness.InterleavedSequence, "a1b2c3d4")]
    public void EachPatternRefusalCanBeTurnedOff(PinWeakness weakness, string pin)
    {
        var refused = PinStrengthOptions.DefaultRefusedWeaknesses.Where(w => w != weakness).ToArray();
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { RefusedWeaknesses = refused });

        PinStrengthResult result = evaluator.Evaluate(pin);

        Assert.True(result.Has(weakness));
        Assert.DoesNotContain(weakness, result.RefusalReasons);
    }

    [Fact]
    public void NameRefusalCanBeTurnedOff()
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions
        {
            Names = ["Taro Yamada"],
            RefusedWeaknesses = [PinWeakness.SequentialRun],
        });

        PinStrengthResult result = evaluator.Evaluate("taro1234");

        Assert.True(result.Has(PinWeakness.ContainsName));
        Assert.False(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("qwer", new[] { PinWeakness.LettersOnly, PinWeakness.ShortLength })]
    [InlineData("5829", new[] { PinWeakness.ShortLength })]
    [InlineData("qw3rty7", new PinWeakness[0])]
    public void CompositionWeaknessesCanBeMadeToRefuse(string pin, PinWeakness[] expectedRefusal)
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions
        {
            RefusedWeaknesses = [PinWeakness.LettersOnly, PinWeakness.ShortLength, PinWeakness.ShortLength],
        });

        PinStrengthResult result = evaluator.Evaluate(pin);

        Assert.Equal(expectedRefusal, result.RefusalReasons);
        Assert.Equal(expectedRefusal.Length > 0, result.IsRefused);
    }

    [Fact]
    public void EmptyRefusalSetRefusesNothing()
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { RefusedWeaknesses = [] });

        Assert.False(evaluator.Evaluate("1111").IsRefused);
        Assert.False(evaluator.Evaluate("19850412").IsRefused);
    }
}
