using Kagi.Registry.Entities;

namespace Kagi.Registry.Tokens;

/// <summary>
/// The token life cycle, after Dogtag TPS. Every move not listed here is refused.
/// <code>
/// InStock    → Assigned (workflow: assign), Damaged
/// Assigned   → Active (workflow: certificate stored), InStock (assignment cancelled), Lost, Damaged, Terminated
/// Active     → Suspended, Lost, Damaged, Terminated
/// Suspended  → Active, Lost, Damaged, Terminated
/// Lost       → Terminated
/// Damaged    → Terminated
/// Terminated → InStock (only once the assignment has ended; the distribution key and transport PIN are cleared)
/// </code>
/// Moving to Lost, Damaged or Terminated, and Assigned → InStock, end the open assignment, so the user can be given
/// another token.
/// </summary>
public static class TokenTransitions
{
    /// <summary>The allowed moves.</summary>
    public static IReadOnlyList<TokenTransition> All { get; } =
    [
        new(TokenState.InStock, TokenState.Assigned, WorkflowOnly: true, EndsAssignment: false),
        new(TokenState.InStock, TokenState.Damaged, WorkflowOnly: false, EndsAssignment: false),

        new(TokenState.Assigned, TokenState.Active, WorkflowOnly: true, EndsAssignment: false),
        new(TokenState.Assigned, TokenState.InStock, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Assigned, TokenState.Lost, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Assigned, TokenState.Damaged, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Assigned, TokenState.Terminated, WorkflowOnly: false, EndsAssignment: true),

        new(TokenState.Active, TokenState.Suspended, WorkflowOnly: false, EndsAssignment: false),
        new(TokenState.Active, TokenState.Lost, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Active, TokenState.Damaged, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Active, TokenState.Terminated, WorkflowOnly: false, EndsAssignment: true),

        new(TokenState.Suspended, TokenState.Active, WorkflowOnly: false, EndsAssignment: false),
        new(TokenState.Suspended, TokenState.Lost, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Suspended, TokenState.Damaged, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Suspended, TokenState.Terminated, WorkflowOnly: false, EndsAssignment: true),

        new(TokenState.Lost, TokenState.Terminated, WorkflowOnly: false, EndsAssignment: true),
        new(TokenState.Damaged, TokenState.Terminated, WorkflowOnly: false, EndsAssignment: true),

        new(TokenState.Terminated, TokenState.InStock, WorkflowOnly: false, EndsAssignment: false),
    ];

    /// <summary>The move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <returns>The transition, or null when the move is not allowed.</returns>
    public static TokenTransition? Find(TokenState from, TokenState to) =>
        All.FirstOrDefault(t => t.From == from && t.To == to);
}
