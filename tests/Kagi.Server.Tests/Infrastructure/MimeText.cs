using System.Net.Mime;
using System.Text;
using System.Text.RegularExpressions;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>Decodes the parts of a simple single-part mail that tests look at (encoded-word subject, base64 or quoted-printable body).</summary>
internal static partial class MimeText
{
    public static string Subject(string raw)
    {
        Match m = SubjectLine().Match(raw);
        string value = m.Groups[1].Value.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal).Trim();

        // Adjacent encoded words form one text (whitespace between them is not part of it) and may split a UTF-8
        // character, so their bytes are joined before decoding.
        var result = new StringBuilder();
        var pending = new List<byte>();
        int position = 0;
        foreach (Match w in EncodedWord().Matches(value))
        {
            string between = value[position..w.Index];
            if (between.Trim().Length > 0 || pending.Count == 0)
            {
                result.Append(Encoding.UTF8.GetString(pending.ToArray()));
                pending.Clear();
                result.Append(between);
            }

            pending.AddRange(w.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(w.Groups[3].Value)
                : Encoding.UTF8.GetBytes(QuotedPrintable(w.Groups[3].Value.Replace('_', ' '))));
            position = w.Index + w.Length;
        }

        result.Append(Encoding.UTF8.GetString(pending.ToArray())).Append(value[position..]);
        return result.ToString();
    }

    public static string Body(string raw)
    {
        int split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string headers = raw[..split];
        string body = raw[(split + 4)..];
        if (headers.Contains("Content-Transfer-Encoding: base64", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", string.Empty, StringComparison.Ordinal).Trim()));
        }

        return headers.Contains("quoted-printable", StringComparison.OrdinalIgnoreCase) ? QuotedPrintable(body) : body;
    }

    private static string QuotedPrintable(string text)
    {
        text = text.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length + 0 && i + 2 <= text.Length - 1)
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [GeneratedRegex(@"^Subject: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", RegexOptions.Multiline)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"=\?([^?]+)\?([BQbq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
