using System.Globalization;
using System.Security.Cryptography;

namespace Kagi.Server.Endpoints;

/// <summary>
/// Checks shared by the endpoints for values that arrive from outside. They are stricter than the registry's own
/// checks (which refuse control characters and overlong values): identifiers are a small alphabet, and names are
/// letters with the few punctuation marks names use, so markup, SQL or path fragments never become data.
/// </summary>
internal static class Input
{
    /// <summary>Longest identifier (token serials, employee IDs), as in the registry.</summary>
    public const int MaxIdentifier = 64;

    /// <summary>Longest name or organization, as in the registry.</summary>
    public const int MaxName = 200;

    /// <summary>A token serial: an identifier (see <see cref="IsIdentifier"/>).</summary>
    public static bool IsSerial(string? value) => IsIdentifier(value);

    /// <summary>
    /// An identifier (token serial, employee ID): 1–64 ASCII letters, digits, '.', '_' and '-', starting with a
    /// letter or digit.
    /// </summary>
    public static bool IsIdentifier(string? value) =>
        value is { Length: > 0 and <= MaxIdentifier } && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// A person's name (romanized or in kanji/kana): letters of any script, combining marks, spaces (also the
    /// ideographic space) and the marks names use: apostrophes (Shin'ichi), hyphen, period, comma, middle dot.
    /// </summary>
    public static bool IsPersonName(string? value) =>
        value is { Length: > 0 and <= MaxName } && !string.IsNullOrWhiteSpace(value) && value.All(c =>
            char.IsLetter(c) || c is ' ' or '\u3000' or '\'' or '\u2019' or '-' or '.' or ',' or '\u30FB' or '\uFF0E'
            || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);

    /// <summary>
    /// Free text such as an organization or a token model: no control or format characters (which includes
    /// bidirectional overrides), and none of the markup and quoting characters &lt; &gt; " ` \ ; { }.
    /// </summary>
    public static bool IsPlainText(string? value, int max = MaxName) =>
        value is { Length: > 0 } && value.Length <= max && value.All(c =>
            CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            && c is not ('<' or '>' or '"' or '`' or '\\' or ';' or '{' or '}'));

    /// <summary>A PIN set at distribution: 1–64 printable ASCII characters.</summary>
    public static bool IsPin(string? value) => value is { Length: > 0 and <= 64 } && value.All(c => c is > ' ' and < '\u007f');

    /// <summary>
    /// An enum member given by name (camelCase or PascalCase), never by number: "1" or "7" must not select a
    /// member.
    /// </summary>
    public static bool TryEnumName<T>(string? value, out T result)
        where T : struct, Enum
    {
        result = default;
        return value is { Length: > 0 and <= 32 } && value.All(char.IsAsciiLetter)
            && Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result);
    }

    /// <summary>
    /// A public key a token can authenticate with: DER SubjectPublicKeyInfo of an EC key on P-256, P-384 or P-521,
    /// or of an RSA key of at least 2048 bits, with nothing after it.
    /// </summary>
    public static bool IsDistributionKey(byte[] spki)
    {
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

    /// <summary>Decodes base64 of at most <paramref name="maxBytes"/> bytes.</summary>
    public static bool TryBase64(string? value, int maxBytes, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(value) || value.Length > ((maxBytes + 2) / 3 * 4) + 8)
        {
            return false;
        }

        var buffer = new byte[value.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(value, buffer, out int written) || written == 0 || written > maxBytes)
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
