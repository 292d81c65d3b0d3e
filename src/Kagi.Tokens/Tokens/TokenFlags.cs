using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Tokens;

/// <summary>Names for CK_TOKEN_INFO flag bits, as stable identifiers (localized by front ends).</summary>
public static class TokenFlags
{
    private static readonly (ulong Bit, string Name)[] Names =
    [
        (CKF.CKF_RNG, "rng"),
        (CKF.CKF_WRITE_PROTECTED, "writeProtected"),
        (CKF.CKF_LOGIN_REQUIRED, "loginRequired"),
        (CKF.CKF_USER_PIN_INITIALIZED, "userPinInitialized"),
        (CKF.CKF_RESTORE_KEY_NOT_NEEDED, "restoreKeyNotNeeded"),
        (CKF.CKF_CLOCK_ON_TOKEN, "clockOnToken"),
        (CKF.CKF_PROTECTED_AUTHENTICATION_PATH, "protectedAuthenticationPath"),
        (CKF.CKF_DUAL_CRYPTO_OPERATIONS, "dualCryptoOperations"),
        (CKF.CKF_TOKEN_INITIALIZED, "tokenInitialized"),
        (CKF.CKF_SECONDARY_AUTHENTICATION, "secondaryAuthentication"),
        (CKF.CKF_USER_PIN_COUNT_LOW, "userPinCountLow"),
        (CKF.CKF_USER_PIN_FINAL_TRY, "userPinFinalTry"),
        (CKF.CKF_USER_PIN_LOCKED, "userPinLocked"),
        (CKF.CKF_USER_PIN_TO_BE_CHANGED, "userPinToBeChanged"),
        (CKF.CKF_SO_PIN_COUNT_LOW, "soPinCountLow"),
        (CKF.CKF_SO_PIN_FINAL_TRY, "soPinFinalTry"),
        (CKF.CKF_SO_PIN_LOCKED, "soPinLocked"),
        (CKF.CKF_SO_PIN_TO_BE_CHANGED, "soPinToBeChanged"),
        (CKF.CKF_ERROR_STATE, "errorState"),
    ];

    /// <summary>The names of the bits set in <paramref name="flags"/>, in bit order; unknown bits as <c>0x…</c>.</summary>
    public static IReadOnlyList<string> Decode(ulong flags)
    {
        var result = new List<string>();
        ulong known = 0;
        foreach ((ulong bit, string name) in Names)
        {
            known |= bit;
            if ((flags & bit) != 0)
            {
                result.Add(name);
            }
        }

        if ((flags & ~known) != 0)
        {
            result.Add($"0x{flags & ~known:X}");
        }

        return result;
    }
}
