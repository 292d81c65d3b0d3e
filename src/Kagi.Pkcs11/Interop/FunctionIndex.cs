namespace Kagi.Pkcs11.Interop;

/// <summary>Position of each function pointer in CK_FUNCTION_LIST (PKCS#11 v2.40, after the CK_VERSION).</summary>
internal enum FunctionIndex
{
    C_Initialize = 0,
    C_Finalize = 1,
    C_GetInfo = 2,
    C_GetFunctionList = 3,
    C_GetSlotList = 4,
    C_GetSlotInfo = 5,
    C_GetTokenInfo = 6,
    C_GetMechanismList = 7,
    C_GetMechanismInfo = 8,
    C_InitToken = 9,
    C_InitPIN = 10,
    C_SetPIN = 11,
    C_OpenSession = 12,
    C_CloseSession = 13,
    C_CloseAllSessions = 14,
    C_GetSessionInfo = 15,
    C_Login = 18,
    C_Logout = 19,
    C_CreateObject = 20,
    C_DestroyObject = 22,
    C_GetAttributeValue = 24,
    C_SetAttributeValue = 25,
    C_FindObjectsInit = 26,
    C_FindObjects = 27,
    C_FindObjectsFinal = 28,
    C_SignInit = 42,
    C_Sign = 43,
    C_GenerateKeyPair = 59,
    C_GenerateRandom = 64,
    C_WaitForSlotEvent = 67,

    /// <summary>Number of entries in a v2.40 CK_FUNCTION_LIST.</summary>
    Count = 68,
}
