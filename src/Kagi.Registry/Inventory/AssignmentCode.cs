namespace Kagi.Registry.Inventory;

/// <summary>Outcome of assigning a token to a user.</summary>
public enum AssignmentCode
{
    /// <summary>Assigned: token state Assigned, a new assignment and an open enrollment order, audited.</summary>
    Assigned,

    /// <summary>No token with that serial.</summary>
    TokenNotFound,

    /// <summary>No user with that employee ID.</summary>
    UserNotFound,

    /// <summary>The token is not in stock (see the token state in the result).</summary>
    TokenNotInStock,

    /// <summary>The user already holds a token (a user has at most one open assignment).</summary>
    UserHasOpenAssignment,

    /// <summary>Someone else assigned the token or the user at the same time; nothing changed.</summary>
    Conflict,
}
