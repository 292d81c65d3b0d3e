using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinPolicyValidatorCharacterTests
{
    [Theory]
    [InlineData("１２３４")] // full-width digits
    [InlineData("12３4")] // one full-width digit
    [InlineData("ＡＢＣＤ")] // full-width upper-case letters
    [InlineData("abｃd")] // one full-width lower-case letter
    [InlineData("ab　12")] // ideographic space U+3000
    [InlineData("ab＃12")] // full-width symbol
    [InlineData("！bcd")] // U+FF01, first of the block
    [InlineData("abc～")] // U+FF5E, last of the block
    public void ReportsFullWidthCharacter(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.Equal([PinPolicyViolation.FullWidthCharacter], result.Violations);
    }

    [Theory]
    [InlineData("ab 12")] // ASCII space
    [InlineData(" a1b2")]
    [InlineData("a1b2 ")]
    [InlineData("ab\t12")]
    [InlineData("ab\n12")]
    [InlineData("ab\012")] // NUL
    [InlineData("ab\u007F12")] // DEL
    [InlineData("ab!12")] // symbols are not allowed by default
    [InlineData("a-b_c")]
    [InlineData("あいうえ")] // hiragana
    [InlineData("アイウエ")] // katakana
    [InlineData("ｱｲｳｴ")] // half-width katakana: not a full-width form
    [InlineData("山田太郎")] // kanji
    [InlineData("￥123")] // full-width yen U+FFE5: outside U+FF01–U+FF5E
    [InlineData("\uFF00123")] // just below the full-width block
    [InlineData("\uFF5F123")] // just above it
    [InlineData("é123")]
    [InlineData("\U0001F600ab")] // emoji: a surrogate pair
    public void ReportsInvalidCharacter(string pin)
    {
        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.Equal([PinPolicyViolation.InvalidCharacter], result.Violations);
    }

    [Fact]
    public void ReportsFullWidthAndInvalidTogetherOnceEach()
    {
        const string pin = "１２ あいab"; // two full-width digits, a space, kana

        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.Equal([PinPolicyViolation.FullWidthCharacter, PinPolicyViolation.InvalidCharacter], result.Violations);
        Assert.Equal(PinPolicyViolation.FullWidthCharacter, result.FirstViolation);
    }

    [Theory]
    [InlineData(PinCharacterClasses.All, "ab!12", true)]
    [InlineData(PinCharacterClasses.All, "~`{}", true)]
    [InlineData(PinCharacterClasses.All, "ab 12", false)] // the space is never allowed
    [InlineData(PinCharacterClasses.All, "ab＃12", false)] // full-width stays full-width
    [InlineData(PinCharacterClasses.Digits, "1234", true)]
    [InlineData(PinCharacterClasses.Digits, "123a", false)]
    [InlineData(PinCharacterClasses.Letters, "abCD", true)]
    [InlineData(PinCharacterClasses.Letters, "abc1", false)]
    [InlineData(PinCharacterClasses.Digits | PinCharacterClasses.Symbols, "12#4", true)]
    [InlineData(PinCharacterClasses.Digits | PinCharacterClasses.Symbols, "12#a", false)]
    public void AppliesConfiguredCharacterClasses(PinCharacterClasses allowed, string pin, bool expectedValid)
    {
        var validator = new PinPolicyValidator(new PinPolicy(allowedCharacters: allowed));

        PinPolicyResult result = validator.Validate(pin, pin);

        Assert.Equal(expectedValid, result.IsValid);
    }

    [Fact]
    public void FullWidthSymbolIsFullWidthEvenWhenSymbolsAreAllowed()
    {
        var validator = new PinPolicyValidator(new PinPolicy(allowedCharacters: PinCharacterClasses.All));

        PinPolicyResult result = validator.Validate("ab＃12", "ab＃12");

        Assert.Equal([PinPolicyViolation.FullWidthCharacter], result.Violations);
    }

    [Fact]
    public void CharacterAndLengthViolationsAreReportedTogether()
    {
        const string pin = "１２"; // full-width and too short

        PinPolicyResult result = new PinPolicyValidator().Validate(pin, pin);

        Assert.Equal([PinPolicyViolation.TooShort, PinPolicyViolation.FullWidthCharacter], result.Violations);
    }
}
