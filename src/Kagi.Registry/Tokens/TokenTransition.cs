using Kagi.Registry.Entities;

namespace Kagi.Registry.Tokens;

/// <summary>One allowed move of the token life cycle.</summary>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="WorkflowOnly">
/// True when only a workflow makes this move (assigning a token, a certificate reported stored), never an operator's
/// direct request.
/// </param>
/// <param name="EndsAssignment">
/// True when the move ends the token's open assignment: its open orders are cancelled and its storage PINs superseded.
/// </param>
public sealed record TokenTransition(TokenState From, TokenState To, bool WorkflowOnly, bool EndsAssignment);
