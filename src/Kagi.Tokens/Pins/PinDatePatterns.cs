namespace Kagi.Tokens.Pins;

/// <summary>Detects whole-PIN dates (<see cref="PinWeakness.CalendarDate"/>, <see cref="PinWeakness.JapaneseEraDate"/>).</summary>
internal static class PinDatePatterns
{
    /// <summary>The first year a YYYYMMDD date may have.</summary>
    public const int FirstYear = 1900;

    /// <summary>The last year a YYYYMMDD date may have.</summary>
    public const int LastYear = 2099;

    /// <summary>True if the PIN is YYYYMMDD (exact date, 1900–2099), YYMMDD or MMDD (February 29 allowed) in ASCII digits.</summary>
    public static bool IsCalendarDate(ReadOnlySpan<char> pin)
    {
        switch (pin.Length)
        {
            case 8:
                return TryReadNumber(pin[..4], out int year)
                    && year is >= FirstYear and <= LastYear
                    && TryReadNumber(pin[4..6], out int month)
                    && TryReadNumber(pin[6..], out int day)
                    && month is >= 1 and <= 12
                    && day >= 1 && day <= DateTime.DaysInMonth(year, month);
            case 6:
                return TryReadNumber(pin[..2], out _) && IsMonthDay(pin[2..]);
            case 4:
                return IsMonthDay(pin);
            default:
                return false;
        }
    }

    /// <summary>True if the PIN is an era letter followed by YYMMDD naming a real day of that era.</summary>
    public static bool IsJapaneseEraDate(ReadOnlySpan<char> pin) =>
        pin.Length == 7
        && char.IsAsciiLetter(pin[0])
        && TryReadNumber(pin[1..3], out int eraYear)
        && TryReadNumber(pin[3..5], out int month)
        && TryReadNumber(pin[5..], out int day)
        && JapaneseEras.IsEraDate(pin[0], eraYear, month, day);

    // MMDD where the year is unknown: any day that exists in the month in some year, so 0229 counts.
    private static bool IsMonthDay(ReadOnlySpan<char> monthDay) =>
        TryReadNumber(monthDay[..2], out int month)
        && TryReadNumber(monthDay[2..], out int day)
        && month is >= 1 and <= 12
        && day >= 1 && day <= DateTime.DaysInMonth(2000, month);

    private static bool TryReadNumber(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
