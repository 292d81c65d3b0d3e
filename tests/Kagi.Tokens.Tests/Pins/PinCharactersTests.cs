using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinCharactersTests
{
    [Theory]
    [InlineData('\uFF01', true)] // ！ first of the block
    [InlineData('\uFF5E', true)] // ～ last of the block
    [InlineData('１', true)]
    [InlineData('９', true)]
    [InlineData('Ａ', true)]
    [InlineData('ｚ', true)]
    [InlineData('＃', true)]
    [InlineData('\u3000', true)] // ideographic space
    [InlineData('\uFF00', false)] // just below the block
    [InlineData('\uFF5F', false)] // just above it
    [InlineData('ｱ', false)] // half-width katakana U+FF71
    [InlineData('￥', false)] // full-width yen sign U+FFE5
    [InlineData('1', false)]
    [InlineData('A', false)]
    [InlineData(' ', false)]
    [InlineData('あ', false)]
    [InlineData('山', false)]
    public void IsFullWidthFormCoversFullWidthAsciiAndIdeographicSpace(char c, bool expected)
    {
        Assert.Equal(expected, PinCharacters.IsFullWidthForm(c));
    }

    [Theory]
    [InlineData('0', PinCharacterClasses.Digits)]
    [InlineData('9', PinCharacterClasses.Digits)]
    [InlineData('a', PinCharacterClasses.Letters)]
    [InlineData('z', PinCharacterClasses.Letters)]
    [InlineData('A', PinCharacterClasses.Letters)]
    [InlineData('Z', PinCharacterClasses.Letters)]
    [InlineData('!', PinCharacterClasses.Symbols)]
    [InlineData('/', PinCharacterClasses.Symbols)]
    [InlineData(':', PinCharacterClasses.Symbols)]
    [InlineData('@', PinCharacterClasses.Symbols)]
    [InlineData('[', PinCharacterClasses.Symbols)]
    [InlineData('`', PinCharacterClasses.Symbols)]
    [InlineData('{', PinCharacterClasses.Symbols)]
    [InlineData('~', PinCharacterClasses.Symbols)]
    [InlineData(' ', PinCharacterClasses.None)]
    [InlineData('\0', PinCharacterClasses.None)]
    [InlineData('\n', PinCharacterClasses.None)]
    [InlineData('\u007F', PinCharacterClasses.None)]
    [InlineData('１', PinCharacterClasses.None)]
    [InlineData('Ａ', PinCharacterClasses.None)]
    [InlineData('é', PinCharacterClasses.None)]
    [InlineData('ア', PinCharacterClasses.None)]
    [InlineData('٣', PinCharacterClasses.None)] // Arabic-Indic digit three
    public void ClassifyGivesHalfWidthAsciiClass(char c, PinCharacterClasses expected)
    {
        Assert.Equal(expected, PinCharacters.Classify(c));
    }
}
