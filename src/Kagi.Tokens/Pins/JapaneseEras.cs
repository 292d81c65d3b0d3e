namespace Kagi.Tokens.Pins;

/// <summary>The modern Japanese eras (元号) with their first and last days, for <see cref="PinWeakness.JapaneseEraDate"/>.</summary>
internal static class JapaneseEras
{
    private static readonly Era[] Eras =
    [
        new('M', new DateOnly(1868, 1, 1), new DateOnly(1912, 7, 30)),
        new('T', new DateOnly(1912, 7, 30), new DateOnly(1926, 12, 25)),
        new('S', new DateOnly(1926, 12, 25), new DateOnly(1989, 1, 7)),
        new('H', new DateOnly(1989, 1, 8), new DateOnly(2019, 4, 30)),
        new('R', new DateOnly(2019, 5, 1), DateOnly.MaxValue),
    ];

    /// <summary>
    /// True if <paramref name="eraLetter"/> (either case) names an era and year <paramref name="eraYear"/> (1 = the era's first year),
    /// <paramref name="month"/> and <paramref name="day"/> form a real Gregorian date within that era.
    /// </summary>
    public static bool IsEraDate(char eraLetter, int eraYear, int month, int day)
    {
        char letter = char.ToUpperInvariant(eraLetter);
        foreach (Era era in Eras)
        {
            if (era.Letter != letter)
            {
                continue;
            }

            if (eraYear < 1 || month is < 1 or > 12)
            {
                return false;
            }

            int year = era.Start.Year + eraYear - 1;
            if (year > DateOnly.MaxValue.Year || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            var date = new DateOnly(year, month, day);
            return date >= era.Start && date <= era.End;
        }

        return false;
    }

    private readonly record struct Era(char Letter, DateOnly Start, DateOnly End);
}
