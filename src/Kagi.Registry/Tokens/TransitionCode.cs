namespace Kagi.Registry.Tokens;

/// <summary>Outcome of a token state change.</summary>
public enum TransitionCode
{
    /// <summary>The token moved; the change and its audit entry are committed.</summary>
    Done,

    /// <summary>No token with that serial.</summary>
    TokenNotFound,

    /// <summary>The move is not in <see cref="TokenTransitions.All"/>; nothing changed.</summary>
    NotAllowed,

    /// <summary>The move is made only by a workflow (assigning, enrollment), not on request; nothing changed.</summary>
    RequiresWorkflow,

    /// <summary>Terminated → InStock while the token still has an open assignment; nothing changed.</summary>
    AssignmentOpen,

    /// <summary>Someone else changed the token at the same time; nothing changed, read it again and retry.</summary>
    Conflict,
}
