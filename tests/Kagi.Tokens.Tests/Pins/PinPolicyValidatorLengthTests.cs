using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinPolicyValidatorLengthTests
{
    [Theory]
    [InlineData("a1b2")] // exactly 4: the minimum
    [InlineData("5829")]
    [InlineData("abcde")]
    [InlineData("a1b2c3d")]
    [InlineData("a1b2c3d4")] // exactly 8: the maximum
    [InlineData("ABCD1234")]
    public void AcceptsLengthsWithinDefaultLimits(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.True(result.IsValid);
        Assert.Empty(result.Violations);
        Assert.Null(result.FirstViolation);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a1")]
    [InlineData("a1b")] // 3: one below the minimum
    public void ReportsTooShort(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.False(result.IsValid);
        Assert.Equal([PinPolicyViolation.TooShort], result.Violations);
        Assert.Equal(PinPolicyViolation.TooShort, result.FirstViolation);
    }

    [Theory]
    [InlineData("a1b2c3d4e")] // 9: one above the maximum
    [InlineData("a1b2c3d4e5f6")]
    public void ReportsTooLong(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.Equal([PinPolicyViolation.TooLong], result.Violations);
    }

    [Fact]
    public void EmptyPinIsReportedAsEmptyNotTooShort()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate([], []);

        Assert.Equal([PinPolicyViolation.Empty], result.Violations);
        Assert.False(result.Has(PinPolicyViolation.TooShort));
    }

    [Theory]
    [InlineData("a1b2c", PinPolicyViolation.TooShort)]
    [InlineData("a1b2c3", null)]
    [InlineData("a1b2c3d4e5f6", null)]
    [InlineData("a1b2c3d4e5f6g", PinPolicyViolation.TooLong)]
    public void AppliesCustomLengths(string pin, PinPolicyViolation? expected)
    {
        var validator = new PinPolicyValidator(new PinPolicy(minLength: 6, maxLength: 12));

        PinPolicyResult result = validator.Validate(pin, pin);

        Assert.Equal(expected, result.FirstViolation);
        Assert.Equal(expected is null, result.IsValid);
    }

    [Fact]
    public void ResultCarriesDefaultPolicyLimits()
    {
        PinPolicyResult result = new PinPolicyValidator().Validate("a1", "a1");

        Assert.Equal(4, result.MinLength);
        Assert.Equal(8, result.MaxLength);
        Assert.Equal(PinCharacterClasses.LettersAndDigits, result.AllowedCharacters);
    }

    [Fact]
    public void ResultCarriesCustomPolicyLimitsEvenWhenValid()
    {
        var validator = new PinPolicyValidator(new PinPolicy(6, 12, PinCharacterClasses.All));

        PinPolicyResult result = validator.Validate("a1b2c3", "a1b2c3");

        Assert.True(result.IsValid);
        Assert.Equal(6, result.MinLength);
        Assert.Equal(12, result.MaxLength);
        Assert.Equal(PinCharacterClasses.All, result.AllowedCharacters);
    }

    [Fact]
    public void ValidatorUsesDefaultPolicyWhenNoneGiven()
    {
        Assert.Same(PinPolicy.Default, new PinPolicyValidator().Policy);
    }

    [Fact]
    public void ValidatorRejectsNullPolicy()
    {
        Assert.Throws<ArgumentNullException>(() => new PinPolicyValidator(null!));
    }
}
