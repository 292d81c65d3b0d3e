/*
 * Test double: a PKCS#11 module that forwards everything to a real module (SoftHSM2 by default, or
 * KAGI_SHIM_TARGET) but answers a wrong PIN in C_Login with CKR_GENERAL_ERROR instead of CKR_PIN_INCORRECT,
 * as some ePass2003 drivers do. No real token here behaves like that, so this is the only way to test how
 * Kagi recognizes such a failure (by the PIN flags the token reports afterwards).
 */
#include "forwarding-module.h"

static CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length)
{
    CK_RV rv = real->C_Login(session, user, pin, length);
    return rv == CKR_PIN_INCORRECT ? CKR_GENERAL_ERROR : rv;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
    if (list == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    if (real == NULL) {
        if (forwarding_module_load() != CKR_OK) {
            return CKR_GENERAL_ERROR;
        }
        shim.C_Login = shim_login;
    }
    *list = &shim;
    return CKR_OK;
}
