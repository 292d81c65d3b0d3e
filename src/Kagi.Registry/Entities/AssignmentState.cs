namespace Kagi.Registry.Entities;

/// <summary>State of a token-to-user assignment. Stored as the member name.</summary>
public enum AssignmentState
{
    /// <summary>The token is assigned; the certificate is not stored yet.</summary>
    Assigned,

    /// <summary>The certificate is stored on the token.</summary>
    Active,

    /// <summary>Over (token returned, lost, damaged or terminated); <see cref="Assignment.EndedAt"/> is set.</summary>
    Ended,
}
