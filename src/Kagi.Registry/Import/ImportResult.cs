namespace Kagi.Registry.Import;

/// <summary>What a CSV import did.</summary>
/// <param name="Code">Imported (all rows) or Rejected (none).</param>
/// <param name="Imported">Rows imported (0 when rejected).</param>
/// <param name="Encoding">The encoding the file was read in.</param>
/// <param name="Errors">Every problem found, in row order (empty when imported).</param>
public sealed record ImportResult(ImportCode Code, int Imported, CsvEncoding Encoding, IReadOnlyList<ImportError> Errors)
{
    internal static ImportResult Rejected(CsvEncoding encoding, IReadOnlyList<ImportError> errors) =>
        new(ImportCode.Rejected, 0, encoding, errors);
}
