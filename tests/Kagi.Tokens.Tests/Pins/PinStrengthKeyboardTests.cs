using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthKeyboardTests
{
    [Theory]
    [InlineData("qwer")] // a row walk, the shortest
    [InlineData("qwerty")]
    [InlineData("QwErTy")] // case-insensitive
    [InlineData("qwertyui")]
    [InlineData("asdf")]
    [InlineData("asdfghjk")]
    [InlineData("zxcv")]
    [InlineData("zxcvbnm")]
    [InlineData("ytrewq")] // backwards
    [InlineData("lkjhgfds")]
    [InlineData("poiuytre")]
    [InlineData("1qaz")] // a column walk
    [InlineData("zaq1")] // upwards
    [InlineData("2wsx")]
    [InlineData("qazwsx")] // column walks one after another
    [InlineData("1qaz2wsx")]
    [InlineData("zaq12wsx")]
    [InlineData("qweasd")] // row walks one after another
    [InlineData("zxcv5678")] // a letter walk and a digit walk
    [InlineData("qwe123")]
    [InlineData("7890uiop")]
    [InlineData("qwerty12")] // a walk of four or more keys with digits after or before it
    [InlineData("asdf7391")]
    [InlineData("qwer1")]
    [InlineData("1234qwer")]
    [InlineData("42zxcv")]
    [InlineData("1q2w3e4r")] // interleaved: a digit run and a letter walk
    [InlineData("q1w2e3r4")]
    [InlineData("a1s2d3f4")]
    [InlineData("1Q2W3E")]
    [InlineData("z9x8c7v6")]
    [InlineData("1q1w1e1r")] // a repeated character and a walk
    [InlineData("qawsedrf")] // two row walks interleaved
    public void DetectsKeyboardPatternAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.KeyboardPattern));
        Assert.Contains(PinWeakness.KeyboardPattern, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("k7d4m2x9")]
    [InlineData("q8w3e5r1")] // the letters walk, the digits between them do not
    [InlineData("Xr4t9Lq2")]
    [InlineData("Zq7Xw9Kp")]
    [InlineData("k4g1demo")]
    [InlineData("qwe")] // shorter than KeyboardPatternMinimumLength
    [InlineData("qwe7")] // a walk of three keys needs a walk after it, not just digits
    [InlineData("qwe73915")]
    [InlineData("qwdf")] // not one step at a time
    [InlineData("qwsx")] // a walk must keep its direction
    [InlineData("pasd")] // rows do not wrap
    [InlineData("mrne")] // two pairs of neighbouring keys, interleaved: too short to be a walk
    [InlineData("q7w2")]
    [InlineData("qw!er")] // symbols are not part of the keyboard here
    [InlineData("12345678")] // digits only: a SequentialRun, not a keyboard pattern
    [InlineData("2580")] // the phone keypad is not the keyboard (the common list has it)
    [InlineData("ｑｗｅｒ")] // full-width letters
    [InlineData("")]
    public void DoesNotDetectKeyboardPattern(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.KeyboardPattern));
    }

    [Fact]
    public void KeyboardPatternIsReportedWithItsOwnReason()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("zxcv5678");

        Assert.Equal([PinWeakness.KeyboardPattern], result.Reasons);
        Assert.Equal([PinWeakness.KeyboardPattern], result.RefusalReasons);
    }
}
