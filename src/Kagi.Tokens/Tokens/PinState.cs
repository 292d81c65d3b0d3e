using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Tokens;

/// <summary>The user PIN's state as the token reports it in CK_TOKEN_INFO flags.</summary>
public enum PinState
{
    /// <summary>No failed attempts are signalled.</summary>
    Ok,

    /// <summary>At least one wrong PIN was entered since the last success (CKF_USER_PIN_COUNT_LOW).</summary>
    CountLow,

    /// <summary>One more wrong PIN locks the token (CKF_USER_PIN_FINAL_TRY).</summary>
    FinalTry,

    /// <summary>The user PIN is locked (CKF_USER_PIN_LOCKED); only the CA operator can unlock it.</summary>
    Locked,

    /// <summary>The PIN must be changed before use (CKF_USER_PIN_TO_BE_CHANGED or CKR_PIN_EXPIRED).</summary>
    MustBeChanged,

    /// <summary>The token has no user PIN yet (CKF_USER_PIN_INITIALIZED is clear).</summary>
    NotInitialized,
}

/// <summary>Derives <see cref="PinState"/> from token flags.</summary>
public static class PinStates
{
    /// <summary>The most severe state the flags signal: locked, final try, count low, must change, not initialized, OK.</summary>
    public static PinState FromFlags(ulong flags)
    {
        if ((flags & CKF.CKF_USER_PIN_LOCKED) != 0)
        {
            return PinState.Locked;
        }

        if ((flags & CKF.CKF_USER_PIN_FINAL_TRY) != 0)
        {
            return PinState.FinalTry;
        }

        if ((flags & CKF.CKF_USER_PIN_COUNT_LOW) != 0)
        {
            return PinState.CountLow;
        }

        if ((flags & CKF.CKF_USER_PIN_TO_BE_CHANGED) != 0)
        {
            return PinState.MustBeChanged;
        }

        return (flags & CKF.CKF_USER_PIN_INITIALIZED) == 0 ? PinState.NotInitialized : PinState.Ok;
    }
}
