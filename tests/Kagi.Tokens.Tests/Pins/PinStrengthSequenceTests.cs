using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthSequenceTests
{
    [Theory]
    [InlineData("000")] // the shortest pattern
    [InlineData("1111")]
    [InlineData("aaaa")]
    [InlineData("AAAA")]
    [InlineData("aAaA")] // case-insensitive
    [InlineData("!!!!")]
    [InlineData("99999999")]
    [InlineData("zzzzzzz")]
    public void DetectsRepeatedCharacterAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.RepeatedCharacter));
        Assert.Contains(PinWeakness.RepeatedCharacter, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("11")] // shorter than PatternMinimumLength
    [InlineData("1112")]
    [InlineData("2111")]
    [InlineData("1211")]
    [InlineData("aaab")]
    [InlineData("aaa1")]
    [InlineData("abab")]
    public void DoesNotDetectRepeatedCharacter(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.RepeatedCharacter));
    }

    [Theory]
    [InlineData("123")] // the shortest pattern
    [InlineData("1234")]
    [InlineData("0123")]
    [InlineData("12345678")]
    [InlineData("8765")]
    [InlineData("3210")]
    [InlineData("87654321")]
    [InlineData("7890")] // 0 follows 9, as on the keyboard row
    [InlineData("8901")]
    [InlineData("9012")]
    [InlineData("0987")]
    [InlineData("1098")]
    [InlineData("abcd")]
    [InlineData("ABCD")]
    [InlineData("aBcD")] // case-insensitive
    [InlineData("xyz")]
    [InlineData("wxyz")]
    [InlineData("dcba")]
    [InlineData("DcBa")]
    [InlineData("abcdefgh")]
    public void DetectsSequentialRunAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.SequentialRun));
        Assert.Contains(PinWeakness.SequentialRun, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("12")] // shorter than PatternMinimumLength
    [InlineData("1357")]
    [InlineData("2468")]
    [InlineData("1243")]
    [InlineData("1233")]
    [InlineData("4321x")]
    [InlineData("12ab")] // runs do not mix digits and letters
    [InlineData("ab12")]
    [InlineData("1234a")] // the whole PIN must be the run
    [InlineData("a1234")]
    [InlineData("abcd!")]
    [InlineData("abce")]
    [InlineData("aceg")]
    [InlineData("xyza")] // letters do not wrap
    [InlineData("yzab")]
    [InlineData("zyxa")]
    [InlineData("１２３４")] // full-width digits are not ASCII digits (the policy rejects them first)
    public void DoesNotDetectSequentialRun(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.SequentialRun));
    }
}
