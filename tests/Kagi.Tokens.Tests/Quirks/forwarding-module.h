/*
 * Shared by the C test doubles in this folder: a PKCS#11 module that forwards every call to a real module
 * (SoftHSM2 by default, or KAGI_SHIM_TARGET). A double includes this, overrides the functions it changes in `shim`
 * after forwarding_module_load() succeeds, and hands out `shim` from its C_GetFunctionList.
 */
#ifndef KAGI_FORWARDING_MODULE_H
#define KAGI_FORWARDING_MODULE_H

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

static CK_FUNCTION_LIST *real;
static CK_FUNCTION_LIST shim;

/* Loads the real module and copies its function list into `shim`; CKR_GENERAL_ERROR when it cannot be loaded. */
static CK_RV forwarding_module_load(void)
{
    const char *target = getenv("KAGI_SHIM_TARGET");
    void *handle = dlopen(target ? target : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        return CKR_GENERAL_ERROR;
    }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
    if (get == NULL || get(&real) != CKR_OK) {
        real = NULL;
        return CKR_GENERAL_ERROR;
    }
    memcpy(&shim, real, sizeof shim);
    return CKR_OK;
}

#endif
