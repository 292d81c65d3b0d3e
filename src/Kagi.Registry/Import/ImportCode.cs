namespace Kagi.Registry.Import;

/// <summary>Outcome of a CSV import.</summary>
public enum ImportCode
{
    /// <summary>Every row was imported, in one transaction, and audited.</summary>
    Imported,

    /// <summary>At least one problem was found; nothing was imported.</summary>
    Rejected,
}
