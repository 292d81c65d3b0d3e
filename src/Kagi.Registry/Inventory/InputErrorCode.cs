namespace Kagi.Registry.Inventory;

/// <summary>Why registration or import input was refused. Stable codes; clients translate them.</summary>
public enum InputErrorCode
{
    /// <summary>A required field is empty.</summary>
    Required,

    /// <summary>A field is longer than allowed (see <see cref="Data.Limits"/>).</summary>
    TooLong,

    /// <summary>A field holds characters it may not (control characters; non-Latin letters in a romanized name or serial).</summary>
    InvalidCharacters,

    /// <summary>Not a mail address.</summary>
    InvalidEmail,

    /// <summary>The employee ID or token serial is already registered.</summary>
    AlreadyRegistered,

    /// <summary>The employee ID or token serial appears earlier in the same file.</summary>
    DuplicateInFile,

    /// <summary>The file has no header row.</summary>
    MissingHeader,

    /// <summary>A required column is missing from the header row.</summary>
    MissingColumn,

    /// <summary>The header row names a column that is not known.</summary>
    UnknownColumn,

    /// <summary>The header row names a column twice.</summary>
    DuplicateColumn,

    /// <summary>The row has more or fewer fields than the header.</summary>
    FieldCount,

    /// <summary>A quoted field is not closed before the end of the file.</summary>
    UnterminatedQuote,

    /// <summary>The file has a header but no data rows.</summary>
    NoRows,

    /// <summary>The file is larger than allowed.</summary>
    TooLarge,

    /// <summary>The file is neither UTF-8 nor Shift_JIS (e.g. UTF-16), or has bytes invalid in Shift_JIS.</summary>
    UnsupportedEncoding,

    /// <summary>Someone registered the same employee ID or serial while the import ran; nothing was imported, try again.</summary>
    Conflict,
}
