namespace Kagi.Registry.Import;

/// <summary>The text encoding a CSV file was read in.</summary>
public enum CsvEncoding
{
    /// <summary>Not determined (the file was refused before decoding).</summary>
    Unknown,

    /// <summary>UTF-8 without byte order mark.</summary>
    Utf8,

    /// <summary>UTF-8 with byte order mark (Excel's "CSV UTF-8").</summary>
    Utf8Bom,

    /// <summary>Shift_JIS (Windows code page 932, Excel's "CSV" on Japanese Windows).</summary>
    ShiftJis,
}
