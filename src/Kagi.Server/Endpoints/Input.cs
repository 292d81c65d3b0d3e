using Kagi.Registry.Inventory;

namespace Kagi.Server.Endpoints;

/// <summary>
/// Checks of request values that are formats of the API itself (base64, enum names, PINs sent at distribution). The
/// alphabets of registration data (identifiers, names, free text) and the distribution key rule are the registry's
/// (<see cref="InputRules"/>), so the API, the registry and the CLI enforce the same rules.
/// </summary>
internal static class Input
{
    /// <summary>A token serial: an identifier (see <see cref="InputRules.IsIdentifier"/>).</summary>
    public static bool IsSerial(string? value) => InputRules.IsIdentifier(value);

    /// <summary>An identifier such as an employee ID (see <see cref="InputRules.IsIdentifier"/>).</summary>
    public static bool IsIdentifier(string? value) => InputRules.IsIdentifier(value);

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

    /// <summary>A public key a token can authenticate with (see <see cref="InputRules.IsDistributionKey"/>).</summary>
    public static bool IsDistributionKey(byte[] spki) => InputRules.IsDistributionKey(spki);

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
