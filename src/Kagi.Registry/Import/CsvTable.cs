using Kagi.Registry.Inventory;

namespace Kagi.Registry.Import;

/// <summary>A decoded, parsed CSV file with its header checked against the expected columns.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> index;

    private CsvTable(CsvEncoding encoding, Dictionary<string, int> index, IReadOnlyList<CsvRecord> rows)
    {
        Encoding = encoding;
        this.index = index;
        Rows = rows;
    }

    public CsvEncoding Encoding { get; }

    /// <summary>The non-blank data rows, each with as many fields as the header.</summary>
    public IReadOnlyList<CsvRecord> Rows { get; }

    /// <summary>The field of <paramref name="column"/> in <paramref name="record"/>, or null when the file has no such column.</summary>
    public string? Get(CsvRecord record, string column) => index.TryGetValue(column, out int i) ? record.Fields[i] : null;

    /// <summary>Reads a file; header names are matched case-insensitively after trimming.</summary>
    /// <returns>
    /// The table, or null when the file cannot be read as a table (encoding, quoting, header). Rows with a wrong field
    /// count are reported in <paramref name="errors"/> and left out of the table.
    /// </returns>
    public static CsvTable? Read(ReadOnlySpan<byte> bytes, IReadOnlyList<string> columns, IReadOnlyList<string> required, out CsvEncoding encoding, List<ImportError> errors)
    {
        encoding = CsvDecoder.Decode(bytes, out string? text);
        if (text is null)
        {
            errors.Add(new ImportError(0, null, InputErrorCode.UnsupportedEncoding));
            return null;
        }

        IReadOnlyList<CsvRecord> records = CsvParser.Parse(text, out int unterminated);
        if (unterminated > 0)
        {
            errors.Add(new ImportError(unterminated, null, InputErrorCode.UnterminatedQuote));
            return null;
        }

        CsvRecord? header = records.FirstOrDefault(r => !r.IsBlank);
        if (header is null || header.Row != 1)
        {
            errors.Add(new ImportError(1, null, InputErrorCode.MissingHeader));
            return null;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Fields.Count; i++)
        {
            string name = header.Fields[i].Trim().ToLowerInvariant();
            if (!columns.Contains(name))
            {
                errors.Add(new ImportError(1, header.Fields[i].Trim(), InputErrorCode.UnknownColumn));
            }
            else if (!index.TryAdd(name, i))
            {
                errors.Add(new ImportError(1, name, InputErrorCode.DuplicateColumn));
            }
        }

        foreach (string name in required.Where(r => !index.ContainsKey(r)))
        {
            errors.Add(new ImportError(1, name, InputErrorCode.MissingColumn));
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var rows = new List<CsvRecord>();
        foreach (CsvRecord r in records.Skip(1).Where(r => !r.IsBlank))
        {
            if (r.Fields.Count != header.Fields.Count)
            {
                errors.Add(new ImportError(r.Row, null, InputErrorCode.FieldCount));
            }
            else
            {
                rows.Add(r);
            }
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ImportError(2, null, InputErrorCode.NoRows));
            return null;
        }

        // Rows with a wrong field count are reported in errors and left out; the others are still validated.
        return new CsvTable(encoding, index, rows);
    }
}
