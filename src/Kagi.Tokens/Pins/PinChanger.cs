using System.Text;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Pins;

/// <summary>
/// Changes a token's user PIN: the new PIN is checked against the policy and the strength rules first (nothing
/// reaches the token if it fails), then the current PIN is verified with C_Login, then C_SetPIN runs.
/// The current PIN is never length-checked: tokens carry PINs set outside our policy.
/// </summary>
public sealed class PinChanger(PinPolicyValidator validator, PinStrengthEvaluator strength)
{
    /// <summary>Checks the new PIN without touching any token.</summary>
    /// <returns>The policy result and, when the policy passes, the strength evaluation.</returns>
    public (PinPolicyResult Policy, PinStrengthResult? Strength) Check(PinBuffer currentPin, PinBuffer newPin, PinBuffer confirmation)
    {
        Span<char> current = stackalloc char[currentPin.Length];
        Span<char> next = stackalloc char[newPin.Length];
        Span<char> confirm = stackalloc char[confirmation.Length];
        try
        {
            current = current[..Encoding.UTF8.GetChars(currentPin.Bytes, current)];
            next = next[..Encoding.UTF8.GetChars(newPin.Bytes, next)];
            confirm = confirm[..Encoding.UTF8.GetChars(confirmation.Bytes, confirm)];
            PinPolicyResult policy = validator.Validate(next, confirm, current);
            return (policy, policy.IsValid ? strength.Evaluate(next) : null);
        }
        finally
        {
            current.Clear();
            next.Clear();
            confirm.Clear();
        }
    }

    /// <summary>Runs the whole change on <paramref name="token"/>.</summary>
    /// <returns>The outcome as data; wrong and locked PINs are not exceptions.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.TokenRemoved"/> when the token disappears.</exception>
    /// <exception cref="Pkcs11Exception">An unexpected module error.</exception>
    public PinChangeResult Change(AttachedToken token, PinBuffer currentPin, PinBuffer newPin, PinBuffer confirmation)
    {
        (PinPolicyResult policy, PinStrengthResult? evaluation) = Check(currentPin, newPin, confirmation);
        if (!policy.IsValid)
        {
            return new PinChangeResult(PinChangeOutcome.PolicyViolation, policy);
        }

        if (evaluation!.IsRefused)
        {
            return new PinChangeResult(PinChangeOutcome.TooWeak, policy, evaluation);
        }

        using TokenSession session = TokenSession.Open(token, readWrite: true);
        LoginResult login = session.TryLogin(currentPin);
        switch (login.Outcome)
        {
            case LoginOutcome.WrongPin:
                return new PinChangeResult(PinChangeOutcome.WrongCurrentPin, policy, evaluation, login);
            case LoginOutcome.Locked:
                return new PinChangeResult(PinChangeOutcome.Locked, policy, evaluation, login);
        }

        CKR rv = session.SetPin(currentPin, newPin);
        return new PinChangeResult(rv == CKR.CKR_OK ? PinChangeOutcome.Changed : PinChangeOutcome.RejectedByToken, policy, evaluation, login, rv);
    }
}
