using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Events;

/// <summary>Kinds of token event.</summary>
public enum TokenEventKind
{
    /// <summary>A token appeared.</summary>
    Inserted,

    /// <summary>A token disappeared.</summary>
    Removed,
}

/// <summary>A token was inserted or removed.</summary>
/// <param name="Kind">Inserted or removed.</param>
/// <param name="Token">The token's information (as last seen, for a removal).</param>
/// <param name="At">When the change was noticed.</param>
public sealed record TokenEvent(TokenEventKind Kind, TokenInfo Token, DateTimeOffset At);
