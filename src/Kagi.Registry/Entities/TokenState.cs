namespace Kagi.Registry.Entities;

/// <summary>
/// Life cycle of a token, after Dogtag TPS's token states. Stored as the member name; the allowed moves are
/// <see cref="Kagi.Registry.Tokens.TokenTransitions"/>.
/// </summary>
public enum TokenState
{
    /// <summary>Registered and not given to anyone (TPS: FORMATTED).</summary>
    InStock,

    /// <summary>Assigned to a user; enrollment not finished yet.</summary>
    Assigned,

    /// <summary>The user's certificate is stored on the token (TPS: ACTIVE).</summary>
    Active,

    /// <summary>Temporarily out of use, e.g. misplaced (TPS: SUSPENDED / on hold).</summary>
    Suspended,

    /// <summary>Reported lost (TPS: PERM_LOST); the assignment is ended.</summary>
    Lost,

    /// <summary>Broken (TPS: DAMAGED); the assignment is ended.</summary>
    Damaged,

    /// <summary>Taken out of use (TPS: TERMINATED); may go back to stock once the assignment has ended.</summary>
    Terminated,
}
