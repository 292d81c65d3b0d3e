using System.Text;

namespace Kagi.Registry.Import;

/// <summary>
/// RFC 4180 CSV: comma separated, fields optionally in double quotes (a quote inside is doubled), records ended
/// by CRLF, LF or CR; quoted fields may hold line breaks. A quote inside an unquoted field is kept as is.
/// </summary>
public static class CsvParser
{
    /// <summary>Splits <paramref name="text"/> into records.</summary>
    /// <param name="text">The decoded file.</param>
    /// <param name="unterminatedRow">The row whose quoted field never closes, or 0.</param>
    /// <returns>The records, in order (a final line break does not make an extra record).</returns>
    public static IReadOnlyList<CsvRecord> Parse(string text, out int unterminatedRow)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        int row = 1;
        unterminatedRow = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }

                continue;
            }

            switch (c)
            {
                case '"' when !fieldStarted:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    fields.Add(field.ToString());
                    records.Add(new CsvRecord(row, [.. fields]));
                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    row++;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            unterminatedRow = row;
        }

        if (fieldStarted || fields.Count > 0 || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRecord(row, [.. fields]));
        }

        return records;
    }
}
