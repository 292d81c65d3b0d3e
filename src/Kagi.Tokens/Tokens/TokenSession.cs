using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Tokens;

/// <summary>
/// A session on one attached token with the operations the management tool needs: PIN verification with
/// the PIN state as data, and the object access built on it. Dispose logs out (if logged in) and closes.
/// </summary>
public sealed class TokenSession : IDisposable
{
    private TokenSession(AttachedToken token, Session session)
    {
        Token = token;
        Session = session;
    }

    /// <summary>The token.</summary>
    public AttachedToken Token { get; }

    /// <summary>The underlying PKCS#11 session.</summary>
    public Session Session { get; }

    /// <summary>True after a successful login in this session.</summary>
    public bool LoggedIn { get; private set; }

    /// <summary>Opens a session on <paramref name="token"/>.</summary>
    /// <exception cref="KagiException"><see cref="KagiError.TokenRemoved"/> when the token no longer answers.</exception>
    public static TokenSession Open(AttachedToken token, bool readWrite = false)
    {
        try
        {
            return new TokenSession(token, token.Slot.OpenSession(readWrite));
        }
        catch (Pkcs11Exception e) when (e.Result is CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_SLOT_ID_INVALID)
        {
            throw new KagiException(KagiError.TokenRemoved, [token.Info.Serial], e);
        }
    }

    /// <summary>
    /// Verifies the user PIN with C_Login. The token's PIN state is read again after every attempt. Tokens with a
    /// protected authentication path get a NULL PIN and collect it on their PIN pad (<paramref name="pin"/> is ignored).
    /// Some drivers answer a wrong PIN with CKR_GENERAL_ERROR or CKR_FUNCTION_FAILED; when the PIN flags show
    /// that a failure was counted, that is reported as a wrong PIN too.
    /// </summary>
    /// <returns>The outcome: success, wrong PIN, locked or expired, with the PIN state afterwards.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.TokenRemoved"/> when the token disappears.</exception>
    /// <exception cref="Pkcs11Exception">Any other, unexpected module error.</exception>
    public LoginResult TryLogin(PinBuffer? pin)
    {
        PinState before = Token.Refresh().PinState;
        CKR rv = Token.Info.HasProtectedAuthenticationPath
            ? Session.Slot.Module.Library.C_Login(Session.Handle, CKU.CKU_USER, [], protectedPath: true)
            : Session.Slot.Module.Library.C_Login(Session.Handle, CKU.CKU_USER, pin is null ? [] : pin.Bytes);
        if (rv is CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED)
        {
            throw new KagiException(KagiError.TokenRemoved, [Token.Info.Serial], new Pkcs11Exception("C_Login", rv));
        }

        PinState after = Token.Refresh().PinState;
        LoginOutcome? outcome = rv switch
        {
            CKR.CKR_OK or CKR.CKR_USER_ALREADY_LOGGED_IN => LoginOutcome.Success,
            CKR.CKR_PIN_EXPIRED => LoginOutcome.PinExpired,
            CKR.CKR_PIN_LOCKED => LoginOutcome.Locked,
            CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE =>
                after == PinState.Locked ? LoginOutcome.Locked : LoginOutcome.WrongPin,
            CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED when CountedAsFailure(before, after) =>
                after == PinState.Locked ? LoginOutcome.Locked : LoginOutcome.WrongPin,
            _ => null,
        };

        if (outcome is null)
        {
            throw new Pkcs11Exception("C_Login", rv);
        }

        LoggedIn = outcome is LoginOutcome.Success or LoginOutcome.PinExpired;
        return new LoginResult(outcome.Value, outcome == LoginOutcome.PinExpired ? PinState.MustBeChanged : after, rv);
    }

    /// <summary>True when the PIN state got worse (OK → count low → final try → locked) across the attempt.</summary>
    private static bool CountedAsFailure(PinState before, PinState after)
    {
        static int Severity(PinState s) => s switch
        {
            PinState.CountLow => 1,
            PinState.FinalTry => 2,
            PinState.Locked => 3,
            _ => 0,
        };
        return Severity(after) > Severity(before);
    }

    /// <summary>
    /// Changes the logged-in user's PIN with C_SetPIN. Log in with <paramref name="currentPin"/> first
    /// (<see cref="TryLogin"/>) so a wrong current PIN is reported with the PIN state.
    /// </summary>
    /// <returns>CKR_OK, or the token's refusal of the new PIN (CKR_PIN_INVALID, CKR_PIN_LEN_RANGE, CKR_PIN_TOO_WEAK).</returns>
    /// <exception cref="InvalidOperationException">The session is not logged in.</exception>
    /// <exception cref="Pkcs11Exception">Any other module error.</exception>
    public CKR SetPin(PinBuffer currentPin, PinBuffer newPin)
    {
        if (!LoggedIn)
        {
            throw new InvalidOperationException("Log in before changing the PIN.");
        }

        CKR rv = Session.Slot.Module.Library.C_SetPIN(Session.Handle, currentPin.Bytes, newPin.Bytes);
        return rv switch
        {
            CKR.CKR_OK or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_TOO_WEAK => rv,
            _ => throw new Pkcs11Exception("C_SetPIN", rv),
        };
    }

    /// <summary>Logs out (errors ignored) and closes the session.</summary>
    public void Dispose()
    {
        if (LoggedIn)
        {
            Session.Slot.Module.Library.C_Logout(Session.Handle);
            LoggedIn = false;
        }

        Session.Dispose();
    }
}
