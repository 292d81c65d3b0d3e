using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinComparisonTests
{
    [Theory]
    [InlineData("", "", true)]
    [InlineData("1234", "1234", true)]
    [InlineData("aB3d", "aB3d", true)]
    [InlineData("１２", "１２", true)]
    [InlineData("1234", "1235", false)]
    [InlineData("1234", "0234", false)]
    [InlineData("abcd", "ABCD", false)]
    [InlineData("1234", "12345", false)]
    [InlineData("1234", "", false)]
    [InlineData("", "1234", false)]
    [InlineData("1234", "１２３４", false)]
    public void FixedTimeEqualsIsOrdinalAndCaseSensitive(string left, string right, bool expected)
    {
        Assert.Equal(expected, PinComparison.FixedTimeEquals(left.AsSpan(), right.AsSpan()));
    }

    [Fact]
    public void FixedTimeEqualsComparesBufferContentsNotIdentity()
    {
        char[] first = ['a', '1', 'b', '2'];
        char[] second = ['a', '1', 'b', '2'];

        Assert.True(PinComparison.FixedTimeEquals(first, second));

        second[3] = '3';
        Assert.False(PinComparison.FixedTimeEquals(first, second));
    }
}
