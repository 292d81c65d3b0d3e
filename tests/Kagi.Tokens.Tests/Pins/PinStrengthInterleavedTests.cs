using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthInterleavedTests
{
    [Theory]
    [InlineData("a1b2c3d4")] // letters and digits, both ascending
    [InlineData("A1B2C3D4")]
    [InlineData("1a2b3c")]
    [InlineData("1a2b3c4")] // odd length
    [InlineData("a1b2")] // the shortest: two characters of each
    [InlineData("9z8y7x")] // both descending
    [InlineData("a9b8c7")] // one ascending, one descending
    [InlineData("8a9b0c")] // 0 follows 9
    [InlineData("x1x2x3x4")] // a repeated character and a run
    [InlineData("1a1b1c1d")]
    [InlineData("adbecf")] // two letter runs
    public void DetectsInterleavedSequenceAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.InterleavedSequence));
        Assert.Contains(PinWeakness.InterleavedSequence, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("k7d4m2x9")]
    [InlineData("q8w3e5r1")]
    [InlineData("k4m2")]
    [InlineData("k1m2x3d4")] // one run is not enough
    [InlineData("a1c2e3g4")] // letters two apart
    [InlineData("a1b2c3e4")] // a run that breaks
    [InlineData("a1b2c1d2")]
    [InlineData("abab")] // both repeated (FewDistinctCharacters)
    [InlineData("1212")]
    [InlineData("a!b@c#")] // symbols do not form runs
    [InlineData("a1b")] // shorter than InterleavedMinimumLength
    [InlineData("1q2w3e4r")] // a keyboard walk: reported as KeyboardPattern instead
    [InlineData("")]
    public void DoesNotDetectInterleavedSequence(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.InterleavedSequence));
    }

    [Fact]
    public void InterleavedSequenceIsReportedWithItsOwnReason()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("c1d2e3f4");

        Assert.Equal([PinWeakness.InterleavedSequence], result.Reasons);
        Assert.Equal([PinWeakness.InterleavedSequence], result.RefusalReasons);
    }
}
