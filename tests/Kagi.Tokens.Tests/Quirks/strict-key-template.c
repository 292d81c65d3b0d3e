/*
 * Test double: a PKCS#11 module that forwards everything to a real module (SoftHSM2 by default, or KAGI_SHIM_TARGET)
 * but refuses, with CKR_ATTRIBUTE_TYPE_INVALID, a C_GenerateKeyPair template that names CKA_UNWRAP, CKA_SIGN_RECOVER,
 * CKA_DERIVE, CKA_ENCRYPT, CKA_WRAP or CKA_VERIFY_RECOVER, as a module that does not know those attributes for a key
 * type would. With KAGI_SHIM_USAGES_READ_ONLY=1 it also refuses to change them afterwards (C_SetAttributeValue answers
 * CKR_ATTRIBUTE_READ_ONLY). No module here behaves like that, so this is the only way to test TokenKeyGenerator's
 * fallback.
 */
#include "forwarding-module.h"

static int names_refused_usage(CK_ATTRIBUTE_PTR template, CK_ULONG count)
{
    for (CK_ULONG i = 0; i < count; i++) {
        switch (template[i].type) {
        case CKA_UNWRAP:
        case CKA_SIGN_RECOVER:
        case CKA_DERIVE:
        case CKA_ENCRYPT:
        case CKA_WRAP:
        case CKA_VERIFY_RECOVER:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static CK_RV shim_generate_key_pair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
    CK_ATTRIBUTE_PTR public_template, CK_ULONG public_count, CK_ATTRIBUTE_PTR private_template, CK_ULONG private_count,
    CK_OBJECT_HANDLE_PTR public_key, CK_OBJECT_HANDLE_PTR private_key)
{
    if (names_refused_usage(public_template, public_count) || names_refused_usage(private_template, private_count)) {
        return CKR_ATTRIBUTE_TYPE_INVALID;
    }
    return real->C_GenerateKeyPair(session, mechanism, public_template, public_count, private_template, private_count,
        public_key, private_key);
}

static CK_RV shim_set_attribute_value(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR template,
    CK_ULONG count)
{
    const char *read_only = getenv("KAGI_SHIM_USAGES_READ_ONLY");
    if (read_only != NULL && strcmp(read_only, "1") == 0 && names_refused_usage(template, count)) {
        return CKR_ATTRIBUTE_READ_ONLY;
    }
    return real->C_SetAttributeValue(session, object, template, count);
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
        shim.C_GenerateKeyPair = shim_generate_key_pair;
        shim.C_SetAttributeValue = shim_set_attribute_value;
    }
    *list = &shim;
    return CKR_OK;
}
