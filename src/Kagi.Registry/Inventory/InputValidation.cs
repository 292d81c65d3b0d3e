using System.Net.Mail;
using System.Text;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;

namespace Kagi.Registry.Inventory;

/// <summary>
/// Normalizes (trim, Unicode NFC, empty → null) and checks user and token input; used by single registration,
/// distribution and CSV import alike. Each field must be in its alphabet (<see cref="InputRules"/>); a romanized name
/// must in addition be in Latin letters and a serial in ASCII.
/// </summary>
public static class InputValidation
{
    /// <summary>Checks a user.</summary>
    /// <param name="input">The input.</param>
    /// <param name="errors">Receives the refused fields.</param>
    /// <returns>The entity to store (CreatedAt unset), or null when <paramref name="errors"/> got any.</returns>
    public static User? Validate(NewUser input, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        int before = errors.Count;
        string? romanized = Text(input.RomanizedName, Fields.RomanizedName, Limits.Name, required: true, v => IsRomanized(v) && InputRules.IsPersonName(v), errors);
        string? kanji = Text(input.KanjiName, Fields.KanjiName, Limits.Name, required: false, InputRules.IsPersonName, errors);
        string? email = Text(input.Email, Fields.Email, Limits.Email, required: true, v => InputRules.IsPlainText(v, Limits.Email), errors);
        string? organization = Text(input.Organization, Fields.Organization, Limits.Name, required: false, v => InputRules.IsPlainText(v), errors);
        string? employeeId = Text(input.EmployeeId, Fields.EmployeeId, Limits.Identifier, required: true, InputRules.IsIdentifier, errors);
        if (email is not null && !IsEmail(email))
        {
            errors.Add(new InputError(Fields.Email, InputErrorCode.InvalidEmail));
        }

        return errors.Count > before ? null : new User
        {
            RomanizedName = romanized!,
            KanjiName = kanji,
            Email = email!,
            Organization = organization,
            EmployeeId = employeeId!,
        };
    }

    /// <summary>Checks a token.</summary>
    /// <param name="input">The input.</param>
    /// <param name="errors">Receives the refused fields.</param>
    /// <returns>The entity to store (state InStock, times unset), or null when <paramref name="errors"/> got any.</returns>
    public static Token? Validate(NewToken input, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        int before = errors.Count;
        string? serial = Text(input.Serial, Fields.Serial, Limits.Identifier, required: true, InputRules.IsIdentifier, errors);
        string? manufacturer = Text(input.Manufacturer, Fields.Manufacturer, Limits.Identifier, required: true, v => InputRules.IsPlainText(v, Limits.Identifier), errors);
        string? model = Text(input.Model, Fields.Model, Limits.Identifier, required: true, v => InputRules.IsPlainText(v, Limits.Identifier), errors);
        return errors.Count > before ? null : new Token
        {
            Serial = serial!,
            Manufacturer = manufacturer!,
            Model = model!,
            State = TokenState.InStock,
        };
    }

    private static string? Text(string? raw, string field, int max, bool required, Func<string, bool> allowed, ICollection<InputError> errors)
    {
        string? value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add(new InputError(field, InputErrorCode.Required));
            }

            return null;
        }

        if (value.IsNormalized(NormalizationForm.FormC) is false)
        {
            value = value.Normalize(NormalizationForm.FormC);
        }

        if (value.Length > max)
        {
            errors.Add(new InputError(field, InputErrorCode.TooLong));
            return null;
        }

        if (!allowed(value))
        {
            errors.Add(new InputError(field, InputErrorCode.InvalidCharacters));
            return null;
        }

        return value;
    }

    // Latin letters as used for Japanese romanization, including Hepburn macrons (Ō, ū) and other Latin-1/Extended-A letters.
    private static bool IsRomanized(string s) => s.All(c => c is >= ' ' and <= '~' or >= '\u00C0' and <= '\u017F' && c != '\u00D7' && c != '\u00F7');

    private static bool IsEmail(string s) =>
        MailAddress.TryCreate(s, out MailAddress? address)
        && string.Equals(address.Address, s, StringComparison.Ordinal)
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !s.Any(char.IsWhiteSpace);
}
