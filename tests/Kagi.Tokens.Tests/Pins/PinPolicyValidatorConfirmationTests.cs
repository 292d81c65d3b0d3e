using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinPolicyValidatorConfirmationTests
{
    [Theory]
    [InlineData("a1b2", "a1b3")]
    [InlineData("a1b2", "A1B2")] // case-sensitive
    [InlineData("a1b2", "a1b2 ")]
    [InlineData("a1b2", "a1b")]
    [InlineData("a1b2", "")]
    [InlineData("1234", "１２３４")]
    public void ReportsConfirmationMismatch(string newPin, string confirmation)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(newPin, confirmation);

        Assert.Equal([PinPolicyViolation.ConfirmationMismatch], result.Violations);
    }

    [Fact]
    public void MatchingConfirmationIsValid()
    {
        Assert.True(new PinPolicyValidator().Validate("a1b2", "a1b2").IsValid);
    }

    [Fact]
    public void EmptyPinWithNonEmptyConfirmationReportsBoth()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("", "a1b2");

        Assert.Equal([PinPolicyViolation.Empty, PinPolicyViolation.ConfirmationMismatch], result.Violations);
    }

    [Theory]
    [InlineData("a1b2")]
    [InlineData("Pin2024x")]
    public void ReportsSameAsCurrent(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin, pin);

        Assert.Equal([PinPolicyViolation.SameAsCurrent], result.Violations);
    }

    [Theory]
    [InlineData("A1B2")] // case differs
    [InlineData("a1b2c")]
    [InlineData("a1b")]
    [InlineData("")]
    public void DifferentCurrentPinIsNotSameAsCurrent(string currentPin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("a1b2", "a1b2", currentPin);

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("123456789012")] // 12 characters: longer than the policy allows
    [InlineData("12")] // shorter than the policy allows
    [InlineData("12#4")] // a symbol
    [InlineData("1 34")] // a space
    [InlineData("１２３４")] // full-width
    [InlineData("ぱすわーど")] // kana
    public void CurrentPinOutsidePolicyIsNotValidated(string currentPin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("a1b2", "a1b2", currentPin);

        Assert.True(result.IsValid);
        Assert.Empty(result.Violations);
    }

    [Fact]
    public void NewPinEqualToOutOfPolicyCurrentPinReportsOnlyNewPinProblems()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("12#4", "12#4", "12#4");

        Assert.Equal([PinPolicyViolation.InvalidCharacter, PinPolicyViolation.SameAsCurrent], result.Violations);
    }

    [Fact]
    public void EmptyNewPinIsNotReportedAsSameAsEmptyCurrentPin()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("", "", "");

        Assert.Equal([PinPolicyViolation.Empty], result.Violations);
    }

    [Fact]
    public void TwoArgumentOverloadNeverReportsSameAsCurrent()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("a1b2", "a1b2");

        Assert.False(result.Has(PinPolicyViolation.SameAsCurrent));
        Assert.True(result.IsValid);
    }

    [Fact]
    public void AllViolationsAreListedInRelevanceOrder()
    {
        const string pin = "１ abcdefgh"; // 10 characters: too long, full-width, space

        PinPolicyResult result = new PinPolicyValidator().Validate(pin, "different", pin);

        Assert.Equal(
            [
                PinPolicyViolation.TooLong,
                PinPolicyViolation.FullWidthCharacter,
                PinPolicyViolation.InvalidCharacter,
                PinPolicyViolation.ConfirmationMismatch,
                PinPolicyViolation.SameAsCurrent,
            ],
            result.Violations);
        Assert.Equal(PinPolicyViolation.TooLong, result.FirstViolation);
        Assert.True(result.Has(PinPolicyViolation.SameAsCurrent));
        Assert.False(result.Has(PinPolicyViolation.Empty));
    }

    [Fact]
    public void ViolationsCannotBeModified()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("a", "b");

        var list = Assert.IsAssignableFrom<IList<PinPolicyViolation>>(result.Violations);
        Assert.True(list.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => list[0] = PinPolicyViolation.Empty);
    }

    [Fact]
    public void ValidatesFromCallerOwnedBuffersThatCanBeZeroedAfterwards()
    {
        char[] newPin = ['a', '1', 'b', '2'];
        char[] confirmation = ['a', '1', 'b', '2'];

        PinPolicyResult result = new PinPolicyValidator().Validate(newPin, confirmation);
        Array.Clear(newPin);
        Array.Clear(confirmation);

        Assert.True(result.IsValid);
    }
}
