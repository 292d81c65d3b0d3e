using System.Text;

namespace Kagi.Registry.Import;

/// <summary>
/// Turns CSV bytes into text: UTF-8 when there is a UTF-8 byte order mark or the bytes are valid UTF-8, else
/// Shift_JIS (code page 932). UTF-16/UTF-32 byte order marks and bytes invalid in Shift_JIS are refused.
/// </summary>
public static class CsvDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Lazy<Encoding> ShiftJis = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    /// <summary>Decodes <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="text">The text without byte order mark, or null when refused.</param>
    /// <returns>The encoding found; <see cref="CsvEncoding.Unknown"/> when refused.</returns>
    public static CsvEncoding Decode(ReadOnlySpan<byte> bytes, out string? text)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return TryUtf8(bytes[3..], out text) ? CsvEncoding.Utf8Bom : CsvEncoding.Unknown;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            text = null;
            return CsvEncoding.Unknown;
        }

        if (TryUtf8(bytes, out text))
        {
            return CsvEncoding.Utf8;
        }

        try
        {
            text = ShiftJis.Value.GetString(bytes);
            return CsvEncoding.ShiftJis;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return CsvEncoding.Unknown;
        }
    }

    private static bool TryUtf8(ReadOnlySpan<byte> bytes, out string? text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }
}
