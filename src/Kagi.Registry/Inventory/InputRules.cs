using System.Globalization;
using System.Security.Cryptography;
using Kagi.Registry.Data;

namespace Kagi.Registry.Inventory;

/// <summary>
/// The alphabets of registration data, enforced by <see cref="InputValidation"/> (single registration, distribution
/// and CSV import) and usable by every front end (server API, CLI) for early checks: identifiers are a small
/// alphabet, names are letters with the few punctuation marks names use, and free text has no control, format or
/// markup characters, so markup, SQL or path fragments never become data.
/// </summary>
public static class InputRules
{
    /// <summary>
    /// An identifier (token serial, employee ID): 1–64 ASCII letters, digits, '.', '_' and '-', starting with a
    /// letter or digit.
    /// </summary>
    /// <returns>True when <paramref name="value"/> is one.</returns>
    public static bool IsIdentifier(string? value) =>
        value is { Length: > 0 and <= Limits.Identifier } && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// A person's name (romanized or in kanji/kana), 1–200 characters: letters of any script, combining marks, spaces
    /// (also the ideographic space) and the marks names use: apostrophes (Shin'ichi), hyphen, period, comma, middle dot.
    /// </summary>
    /// <returns>True when <paramref name="value"/> is one.</returns>
    public static bool IsPersonName(string? value) =>
        value is { Length: > 0 and <= Limits.Name } && !string.IsNullOrWhiteSpace(value) && value.All(c =>
            char.IsLetter(c) || c is ' ' or '\u3000' or '\'' or '\u2019' or '-' or '.' or ',' or '\u30FB' or '\uFF0E'
            || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);

    /// <summary>
    /// Free text such as an organization or a token model, 1 to <paramref name="max"/> characters: no control or
    /// format characters (which includes bidirectional overrides), no unpaired surrogates or unassigned code points,
    /// and none of the markup and quoting characters &lt; &gt; " ` \ ; { }.
    /// </summary>
    /// <returns>True when <paramref name="value"/> is such text.</returns>
    public static bool IsPlainText(string? value, int max = Limits.Name) =>
        value is { Length: > 0 } && value.Length <= max && value.All(c =>
            CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            && c is not ('<' or '>' or '"' or '`' or '\\' or ';' or '{' or '}'));

    /// <summary>
    /// A public key a token can authenticate with: DER SubjectPublicKeyInfo of an EC key on P-256, P-384 or P-521,
    /// or of an RSA key of at least 2048 bits, with nothing after it.
    /// </summary>
    /// <returns>True when <paramref name="spki"/> is such a key.</returns>
    public static bool IsDistributionKey(byte[] spki)
    {
        ArgumentNullException.ThrowIfNull(spki);
        try
        {
            using ECDsa ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(spki, out int read);
            return read == spki.Length && ec.KeySize is 256 or 384 or 521;
        }
        catch (CryptographicException)
        {
            // Not an EC key: try RSA.
        }

        try
        {
            using RSA rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out int read);
            return read == spki.Length && rsa.KeySize >= 2048;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// The alphabet rule of a user or token field by its name in <see cref="Fields"/> (without the required and
    /// length checks of <see cref="InputValidation"/>); null for an unknown field.
    /// </summary>
    /// <returns>A predicate that is true for values in the field's alphabet.</returns>
    public static Func<string, bool>? AlphabetOf(string field) => field switch
    {
        Fields.RomanizedName or Fields.KanjiName => IsPersonName,
        Fields.Email => v => IsPlainText(v, Limits.Email),
        Fields.Organization => v => IsPlainText(v),
        Fields.EmployeeId or Fields.Serial => IsIdentifier,
        Fields.Manufacturer or Fields.Model => v => IsPlainText(v, Limits.Identifier),
        _ => null,
    };
}
