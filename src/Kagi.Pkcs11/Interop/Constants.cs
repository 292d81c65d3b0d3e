namespace Kagi.Pkcs11.Interop;

#pragma warning disable CA1707, CS1591 // names mirror the PKCS#11 specification

/// <summary>Attribute types (CKA_*).</summary>
public static class CKA
{
    public const ulong CKA_CLASS = 0x0;
    public const ulong CKA_TOKEN = 0x1;
    public const ulong CKA_PRIVATE = 0x2;
    public const ulong CKA_LABEL = 0x3;
    public const ulong CKA_APPLICATION = 0x10;
    public const ulong CKA_VALUE = 0x11;
    public const ulong CKA_CERTIFICATE_TYPE = 0x80;
    public const ulong CKA_ISSUER = 0x81;
    public const ulong CKA_SERIAL_NUMBER = 0x82;
    public const ulong CKA_TRUSTED = 0x86;
    public const ulong CKA_CERTIFICATE_CATEGORY = 0x87;
    public const ulong CKA_KEY_TYPE = 0x100;
    public const ulong CKA_SUBJECT = 0x101;
    public const ulong CKA_ID = 0x102;
    public const ulong CKA_SENSITIVE = 0x103;
    public const ulong CKA_ENCRYPT = 0x104;
    public const ulong CKA_DECRYPT = 0x105;
    public const ulong CKA_WRAP = 0x106;
    public const ulong CKA_UNWRAP = 0x107;
    public const ulong CKA_SIGN = 0x108;
    public const ulong CKA_SIGN_RECOVER = 0x109;
    public const ulong CKA_VERIFY = 0x10A;
    public const ulong CKA_VERIFY_RECOVER = 0x10B;
    public const ulong CKA_DERIVE = 0x10C;
    public const ulong CKA_MODULUS = 0x120;
    public const ulong CKA_MODULUS_BITS = 0x121;
    public const ulong CKA_PUBLIC_EXPONENT = 0x122;
    public const ulong CKA_PRIVATE_EXPONENT = 0x123;
    public const ulong CKA_PUBLIC_KEY_INFO = 0x129;
    public const ulong CKA_EXTRACTABLE = 0x162;
    public const ulong CKA_LOCAL = 0x163;
    public const ulong CKA_NEVER_EXTRACTABLE = 0x164;
    public const ulong CKA_ALWAYS_SENSITIVE = 0x165;
    public const ulong CKA_KEY_GEN_MECHANISM = 0x166;
    public const ulong CKA_MODIFIABLE = 0x170;
    public const ulong CKA_EC_PARAMS = 0x180;
    public const ulong CKA_EC_POINT = 0x181;
    public const ulong CKA_ALWAYS_AUTHENTICATE = 0x202;
}

/// <summary>Object classes (CKO_*).</summary>
public static class CKO
{
    public const ulong CKO_DATA = 0x0;
    public const ulong CKO_CERTIFICATE = 0x1;
    public const ulong CKO_PUBLIC_KEY = 0x2;
    public const ulong CKO_PRIVATE_KEY = 0x3;
    public const ulong CKO_SECRET_KEY = 0x4;
}

/// <summary>Key types (CKK_*).</summary>
public static class CKK
{
    public const ulong CKK_RSA = 0x0;
    public const ulong CKK_EC = 0x3;
}

/// <summary>Certificate types (CKC_*).</summary>
public static class CKC
{
    public const ulong CKC_X_509 = 0x0;
}

/// <summary>Mechanism types (CKM_*).</summary>
public static class CKM
{
    public const ulong CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
    public const ulong CKM_RSA_PKCS = 0x1;
    public const ulong CKM_RSA_PKCS_PSS = 0xD;
    public const ulong CKM_SHA256_RSA_PKCS = 0x40;
    public const ulong CKM_SHA256_RSA_PKCS_PSS = 0x43;
    public const ulong CKM_SHA_1 = 0x220;
    public const ulong CKM_SHA256 = 0x250;
    public const ulong CKM_SHA384 = 0x260;
    public const ulong CKM_SHA512 = 0x270;
    public const ulong CKM_EC_KEY_PAIR_GEN = 0x1040;
    public const ulong CKM_ECDSA = 0x1041;
    public const ulong CKM_ECDSA_SHA256 = 0x1044;
}

/// <summary>Mask generation functions for RSA-PSS (CKG_*).</summary>
public static class CKG
{
    public const ulong CKG_MGF1_SHA1 = 0x1;
    public const ulong CKG_MGF1_SHA256 = 0x2;
    public const ulong CKG_MGF1_SHA384 = 0x3;
    public const ulong CKG_MGF1_SHA512 = 0x4;
}

/// <summary>User types for C_Login (CKU_*).</summary>
public static class CKU
{
    public const ulong CKU_SO = 0x0;
    public const ulong CKU_USER = 0x1;
    public const ulong CKU_CONTEXT_SPECIFIC = 0x2;
}

/// <summary>Session states (CKS_*).</summary>
public static class CKS
{
    public const ulong CKS_RO_PUBLIC_SESSION = 0;
    public const ulong CKS_RO_USER_FUNCTIONS = 1;
    public const ulong CKS_RW_PUBLIC_SESSION = 2;
    public const ulong CKS_RW_USER_FUNCTIONS = 3;
    public const ulong CKS_RW_SO_FUNCTIONS = 4;
}

/// <summary>Flag bits (CKF_*) of the info structures and function arguments.</summary>
public static class CKF
{
    // C_Initialize arguments
    public const ulong CKF_LIBRARY_CANT_CREATE_OS_THREADS = 0x1;
    public const ulong CKF_OS_LOCKING_OK = 0x2;

    // C_WaitForSlotEvent
    public const ulong CKF_DONT_BLOCK = 0x1;

    // CK_SLOT_INFO
    public const ulong CKF_TOKEN_PRESENT = 0x1;
    public const ulong CKF_REMOVABLE_DEVICE = 0x2;
    public const ulong CKF_HW_SLOT = 0x4;

    // CK_SESSION_INFO / C_OpenSession
    public const ulong CKF_RW_SESSION = 0x2;
    public const ulong CKF_SERIAL_SESSION = 0x4;

    // CK_TOKEN_INFO
    public const ulong CKF_RNG = 0x1;
    public const ulong CKF_WRITE_PROTECTED = 0x2;
    public const ulong CKF_LOGIN_REQUIRED = 0x4;
    public const ulong CKF_USER_PIN_INITIALIZED = 0x8;
    public const ulong CKF_RESTORE_KEY_NOT_NEEDED = 0x20;
    public const ulong CKF_CLOCK_ON_TOKEN = 0x40;
    public const ulong CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
    public const ulong CKF_DUAL_CRYPTO_OPERATIONS = 0x200;
    public const ulong CKF_TOKEN_INITIALIZED = 0x400;
    public const ulong CKF_SECONDARY_AUTHENTICATION = 0x800;
    public const ulong CKF_USER_PIN_COUNT_LOW = 0x10000;
    public const ulong CKF_USER_PIN_FINAL_TRY = 0x20000;
    public const ulong CKF_USER_PIN_LOCKED = 0x40000;
    public const ulong CKF_USER_PIN_TO_BE_CHANGED = 0x80000;
    public const ulong CKF_SO_PIN_COUNT_LOW = 0x100000;
    public const ulong CKF_SO_PIN_FINAL_TRY = 0x200000;
    public const ulong CKF_SO_PIN_LOCKED = 0x400000;
    public const ulong CKF_SO_PIN_TO_BE_CHANGED = 0x800000;
    public const ulong CKF_ERROR_STATE = 0x1000000;

    // CK_MECHANISM_INFO
    public const ulong CKF_HW = 0x1;
    public const ulong CKF_ENCRYPT = 0x100;
    public const ulong CKF_DECRYPT = 0x200;
    public const ulong CKF_DIGEST = 0x400;
    public const ulong CKF_SIGN = 0x800;
    public const ulong CKF_VERIFY = 0x2000;
    public const ulong CKF_GENERATE = 0x8000;
    public const ulong CKF_GENERATE_KEY_PAIR = 0x10000;
}
#pragma warning restore CA1707, CS1591
