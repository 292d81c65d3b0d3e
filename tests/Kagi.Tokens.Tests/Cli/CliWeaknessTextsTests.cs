using System.Globalization;
using Kagi.Cli.Infrastructure;
using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Cli;

/// <summary>Every PIN weakness has its own reason in the CLI, in English and in Japanese.</summary>
public class CliWeaknessTextsTests
{
    public static TheoryData<PinWeakness> Weaknesses() => new(Enum.GetValues<PinWeakness>());

    [Theory]
    [MemberData(nameof(Weaknesses))]
    public void Every_weakness_has_its_own_english_and_japanese_reason(PinWeakness weakness)
    {
        string en = InCulture("en", () => Describe.Weakness(weakness));
        string ja = InCulture("ja", () => Describe.Weakness(weakness));

        Assert.NotEqual(weakness.ToString(), en);
        Assert.True(ja.Any(c => c > 0x3000), "not Japanese: " + ja);
        Assert.False(en.Any(c => c > 0x3000), "not English: " + en);
        foreach (PinWeakness other in Enum.GetValues<PinWeakness>().Where(w => w != weakness))
        {
            Assert.NotEqual(InCulture("en", () => Describe.Weakness(other)), en);
        }
    }

    private static string InCulture(string name, Func<string> text)
    {
        CultureInfo saved = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
            return text();
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }
}
