using System.Text;

namespace Kagi.Pkcs11.Interop;

/// <summary>Fixed-width, blank-padded PKCS#11 text fields (CK_UTF8CHAR[n]).</summary>
public static class PaddedText
{
    /// <summary>
    /// Decodes a fixed-width field as UTF-8 and removes trailing (and leading) blanks and NULs: the
    /// specification pads with blanks, but several modules pad with NUL or stop at a NUL.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        if (nul >= 0)
        {
            field = field[..nul];
        }

        return Encoding.UTF8.GetString(field).Trim(' ', '\0');
    }

    /// <summary>
    /// Encodes <paramref name="text"/> into a field of <paramref name="width"/> bytes padded with blanks, as
    /// C_InitToken requires for its 32-byte label.
    /// </summary>
    /// <exception cref="ArgumentException">The UTF-8 form of the text is longer than the field.</exception>
    public static byte[] Encode(string text, int width)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > width)
        {
            throw new ArgumentException($"The text is {utf8.Length} bytes in UTF-8; the field holds {width}.", nameof(text));
        }

        var field = new byte[width];
        utf8.CopyTo(field, 0);
        field.AsSpan(utf8.Length).Fill((byte)' ');
        return field;
    }
}
