using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinPolicyTests
{
    [Fact]
    public void DefaultPolicyIsFourToEightLettersAndDigits()
    {
        PinPolicy policy = PinPolicy.Default;

        Assert.Equal(4, policy.MinLength);
        Assert.Equal(8, policy.MaxLength);
        Assert.Equal(PinCharacterClasses.Letters | PinCharacterClasses.Digits, policy.AllowedCharacters);
    }

    [Fact]
    public void ParameterlessConstructorEqualsDefaults()
    {
        var policy = new PinPolicy();

        Assert.Equal(PinPolicy.DefaultMinLength, policy.MinLength);
        Assert.Equal(PinPolicy.DefaultMaxLength, policy.MaxLength);
        Assert.Equal(PinPolicy.DefaultAllowedCharacters, policy.AllowedCharacters);
    }

    [Theory]
    [InlineData(1, 1, PinCharacterClasses.Digits)]
    [InlineData(6, 6, PinCharacterClasses.Letters)]
    [InlineData(6, 64, PinCharacterClasses.All)]
    [InlineData(4, 8, PinCharacterClasses.Symbols)]
    public void AcceptsValidSettings(int min, int max, PinCharacterClasses allowed)
    {
        var policy = new PinPolicy(min, max, allowed);

        Assert.Equal(min, policy.MinLength);
        Assert.Equal(max, policy.MaxLength);
        Assert.Equal(allowed, policy.AllowedCharacters);
    }

    [Theory]
    [InlineData(0, 8, PinCharacterClasses.LettersAndDigits, "minLength")]
    [InlineData(-1, 8, PinCharacterClasses.LettersAndDigits, "minLength")]
    [InlineData(5, 4, PinCharacterClasses.LettersAndDigits, "maxLength")]
    [InlineData(4, 8, PinCharacterClasses.None, "allowedCharacters")]
    [InlineData(4, 8, (PinCharacterClasses)8, "allowedCharacters")]
    [InlineData(4, 8, (PinCharacterClasses)(-1), "allowedCharacters")]
    public void RejectsInvalidSettings(int min, int max, PinCharacterClasses allowed, string parameter)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new PinPolicy(min, max, allowed));

        Assert.Equal(parameter, exception.ParamName);
    }

    [Theory]
    [InlineData('0', PinCharacterClasses.LettersAndDigits, true)]
    [InlineData('9', PinCharacterClasses.LettersAndDigits, true)]
    [InlineData('a', PinCharacterClasses.LettersAndDigits, true)]
    [InlineData('Z', PinCharacterClasses.LettersAndDigits, true)]
    [InlineData('!', PinCharacterClasses.LettersAndDigits, false)]
    [InlineData('!', PinCharacterClasses.All, true)]
    [InlineData('~', PinCharacterClasses.All, true)]
    [InlineData(' ', PinCharacterClasses.All, false)]
    [InlineData('\t', PinCharacterClasses.All, false)]
    [InlineData('\u007F', PinCharacterClasses.All, false)]
    [InlineData('１', PinCharacterClasses.All, false)]
    [InlineData('あ', PinCharacterClasses.All, false)]
    [InlineData('a', PinCharacterClasses.Digits, false)]
    [InlineData('1', PinCharacterClasses.Letters, false)]
    [InlineData('1', PinCharacterClasses.Symbols, false)]
    public void AllowsCharacterFollowsClasses(char c, PinCharacterClasses allowed, bool expected)
    {
        var policy = new PinPolicy(allowedCharacters: allowed);

        Assert.Equal(expected, policy.AllowsCharacter(c));
    }
}
