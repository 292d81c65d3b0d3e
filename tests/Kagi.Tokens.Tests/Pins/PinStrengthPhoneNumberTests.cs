using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthPhoneNumberTests
{
    [Theory]
    [InlineData("0312345")] // 7 digits: the shortest
    [InlineData("03123456")]
    [InlineData("0120444444")]
    [InlineData("09012345678")]
    [InlineData("0000000")]
    public void DetectsPhoneNumberLikeAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.PhoneNumberLike));
        Assert.Contains(PinWeakness.PhoneNumberLike, result.RefusalReasons);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("031234")] // 6 digits
    [InlineData("3123456")] // does not start with 0
    [InlineData("90123456")]
    [InlineData("0312a45")]
    [InlineData("03-1234567")]
    [InlineData("+819012345678")]
    [InlineData("０３１２３４５")] // full-width digits
    public void DoesNotDetectPhoneNumberLike(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.PhoneNumberLike));
    }
}
