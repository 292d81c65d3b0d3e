using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Tokens;

/// <summary>How a PIN verification ended.</summary>
public enum LoginOutcome
{
    /// <summary>The PIN was accepted; the session is logged in.</summary>
    Success,

    /// <summary>The PIN was wrong; <see cref="LoginResult.PinState"/> tells how many tries remain (as the token signals it).</summary>
    WrongPin,

    /// <summary>The PIN is locked; the CA operator must unlock the token.</summary>
    Locked,

    /// <summary>The PIN was accepted but has expired: only a PIN change is allowed.</summary>
    PinExpired,
}

/// <summary>The outcome of a login attempt, with the token's PIN state read after it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="PinState">The user PIN state re-read from the token after the attempt.</param>
/// <param name="Result">The CKR C_Login returned (for logs and support).</param>
public sealed record LoginResult(LoginOutcome Outcome, PinState PinState, CKR Result)
{
    /// <summary>True when the session is logged in (also when the PIN expired).</summary>
    public bool LoggedIn => Outcome is LoginOutcome.Success or LoginOutcome.PinExpired;
}
