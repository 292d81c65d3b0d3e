namespace Kagi.Registry.Entities;

/// <summary>
/// The one-time PIN mailed to a user for an assignment. Only a salted PBKDF2-SHA256 hash is kept; at most one
/// <see cref="StoragePinState.Active"/> PIN per assignment (filtered unique index).
/// </summary>
public sealed class StoragePin
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>The assignment the PIN belongs to.</summary>
    public long AssignmentId { get; set; }

    /// <summary>PBKDF2-SHA256 output (32 bytes).</summary>
    public required byte[] Hash { get; set; }

    /// <summary>Random salt (16 bytes).</summary>
    public required byte[] Salt { get; set; }

    /// <summary>PBKDF2 iteration count used for <see cref="Hash"/>.</summary>
    public int Iterations { get; set; }

    /// <summary>When the PIN was issued (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the PIN stops being accepted (UTC).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Wrong attempts so far.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>Where the PIN is.</summary>
    public StoragePinState State { get; set; }

    /// <summary>When it was verified (UTC).</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
