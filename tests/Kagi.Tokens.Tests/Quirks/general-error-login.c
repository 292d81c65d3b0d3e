/*
 * Test double: a PKCS#11 module that forwards everything to a real module (SoftHSM2 by default, or
 * KAGI_SHIM_TARGET) but answers a wrong PIN in C_Login with CKR_GENERAL_ERROR instead of CKR_PIN_INCORRECT,
 * as some ePass2003 drivers do. No real token here behaves like that, so this is the only way to test how
 * Kagi recognizes such a failure (by the PIN flags the token reports afterwards).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

static CK_FUNCTION_LIST *real;
static CK_FUNCTION_LIST shim;

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
        const char *target = getenv("KAGI_SHIM_TARGET");
        void *handle = dlopen(target ? target : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            return CKR_GENERAL_ERROR;
        }
        CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
        if (get == NULL || get(&real) != CKR_OK) {
            return CKR_GENERAL_ERROR;
        }
        memcpy(&shim, real, sizeof shim);
        shim.C_Login = shim_login;
    }
    *list = &shim;
    return CKR_OK;
}
