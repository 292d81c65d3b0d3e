namespace Kagi.Tokens.Pins;

/// <summary>Detects PINs that look like a Japanese phone number (<see cref="PinWeakness.PhoneNumberLike"/>).</summary>
internal static class PinPhoneNumberPattern
{
    /// <summary>True if the PIN is only ASCII digits, at least <see cref="PinStrengthEvaluator.PhoneNumberMinimumLength"/> long, starting with '0'.</summary>
    public static bool IsPhoneNumberLike(ReadOnlySpan<char> pin)
    {
        if (pin.Length < PinStrengthEvaluator.PhoneNumberMinimumLength || pin[0] != '0')
        {
            return false;
        }

        foreach (char c in pin)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
