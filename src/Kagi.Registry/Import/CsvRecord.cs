namespace Kagi.Registry.Import;

/// <summary>One CSV record.</summary>
/// <param name="Row">Its row number as a spreadsheet shows it: the header is row 1, blank rows count.</param>
/// <param name="Fields">Its fields, unquoted.</param>
public sealed record CsvRecord(int Row, IReadOnlyList<string> Fields)
{
    /// <summary>True for a blank line (one empty field).</summary>
    public bool IsBlank => Fields.Count == 1 && Fields[0].Length == 0;
}
