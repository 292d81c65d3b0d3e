using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Pins;

/// <summary>How a user PIN change ended.</summary>
public enum PinChangeOutcome
{
    /// <summary>The PIN was changed.</summary>
    Changed,

    /// <summary>The new PIN breaks the policy (<see cref="PinChangeResult.Policy"/> says how); the token was not touched.</summary>
    PolicyViolation,

    /// <summary>The new PIN is predictable (<see cref="PinChangeResult.Strength"/> says why); the token was not touched.</summary>
    TooWeak,

    /// <summary>The current PIN was wrong; <see cref="PinChangeResult.Login"/> has the PIN state.</summary>
    WrongCurrentPin,

    /// <summary>The token is locked.</summary>
    Locked,

    /// <summary>The token itself refused the new PIN (its own length or quality rules).</summary>
    RejectedByToken,
}

/// <summary>The result of a PIN change: the outcome and whatever explains it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Policy">The policy check of the new PIN (always present).</param>
/// <param name="Strength">The strength evaluation of the new PIN, when the policy passed.</param>
/// <param name="Login">The login attempt with the current PIN, when one was made.</param>
/// <param name="TokenResult">The CKR of C_SetPIN, when it was called.</param>
public sealed record PinChangeResult(
    PinChangeOutcome Outcome,
    PinPolicyResult Policy,
    PinStrengthResult? Strength = null,
    LoginResult? Login = null,
    CKR? TokenResult = null);
