using System.Security.Cryptography;

namespace Kagi.Ca.Formats;

/// <summary>RFC 7468 PEM blocks.</summary>
internal static class Pem
{
    /// <summary>The first block whose label is one of <paramref name="labels"/>, decoded; null when there is none.</summary>
    public static PemBlock? Find(ReadOnlySpan<char> text, params ReadOnlySpan<string> labels)
    {
        while (PemEncoding.TryFind(text, out PemFields fields))
        {
            ReadOnlySpan<char> label = text[fields.Label];
            foreach (string wanted in labels)
            {
                if (label.SequenceEqual(wanted))
                {
                    byte[] data = new byte[fields.DecodedDataLength];
                    return Convert.TryFromBase64Chars(text[fields.Base64Data], data, out int written)
                        ? new PemBlock(wanted, written == data.Length ? data : data[..written])
                        : null;
                }
            }

            text = text[fields.Location.End..];
        }

        return null;
    }

    /// <summary>True when <paramref name="data"/> starts like PEM text ("-----BEGIN", after optional whitespace).</summary>
    public static bool LooksLikePem(ReadOnlySpan<byte> data) => data.TrimStart(" \t\r\n"u8).StartsWith("-----BEGIN"u8);

    /// <summary>Encodes <paramref name="data"/> as a PEM block with a final newline.</summary>
    public static string Write(string label, ReadOnlySpan<byte> data) => PemEncoding.WriteString(label, data) + "\n";
}

/// <summary>A decoded PEM block.</summary>
/// <param name="Label">The label, e.g. "CERTIFICATE".</param>
/// <param name="Data">The decoded bytes.</param>
internal sealed record PemBlock(string Label, byte[] Data);
