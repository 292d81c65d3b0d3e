namespace Kagi.Registry.Entities;

/// <summary>
/// A token given to a user. An assignment is open while <see cref="EndedAt"/> is null; the database allows at most
/// one open assignment per token and per user (filtered unique indexes).
/// </summary>
public sealed class Assignment
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>The token.</summary>
    public long TokenId { get; set; }

    /// <summary>The user.</summary>
    public long UserId { get; set; }

    /// <summary>Where the assignment is.</summary>
    public AssignmentState State { get; set; }

    /// <summary>When the token was assigned (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the certificate was reported stored (UTC).</summary>
    public DateTimeOffset? ActivatedAt { get; set; }

    /// <summary>When the assignment ended (UTC); null while open.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}
