namespace Kagi.Registry.Pins;

/// <summary>Outcome of issuing a storage PIN.</summary>
public enum StoragePinIssueCode
{
    /// <summary>A new PIN was issued; earlier PINs of the assignment are superseded.</summary>
    Issued,

    /// <summary>No such assignment.</summary>
    AssignmentNotFound,

    /// <summary>The assignment has ended.</summary>
    AssignmentEnded,

    /// <summary>Another PIN was issued for the assignment at the same time; nothing changed, try again.</summary>
    Conflict,
}
