namespace Kagi.Server.Endpoints;

/// <summary>Checks shared by the endpoints for values that arrive from outside.</summary>
internal static class Input
{
    /// <summary>A token serial: 1–64 printable ASCII characters.</summary>
    public static bool IsSerial(string? value) => value is { Length: > 0 and <= 64 } && value.All(c => c is > ' ' and < '\u007f');

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
