/*
 * signloop.c - minimal native PKCS#11 signing benchmark for Kagi.
 *
 * It gives a native baseline against which the .NET code path can be
 * compared: the same token, the same key, the same mechanism, with no
 * managed layer in between.
 *
 *   signloop --module PATH --token LABEL --key LABEL --mech ecdsa|rsa
 *            (--ms MILLISECONDS | --count N) [--warmup N] [--pin-stdin]
 *
 * Steps: dlopen() the module, C_GetFunctionList, C_Initialize with
 * CKF_OS_LOCKING_OK, find the slot whose token label is LABEL, open an RW
 * session, C_Login(CKU_USER), find the private key by CKA_LABEL, then loop
 * C_SignInit + C_Sign until the time or count budget is used up.
 *
 *   ecdsa : CKM_ECDSA    over a fixed 32-byte digest (SHA-256("abc")).
 *   rsa   : CKM_RSA_PKCS over the 51-byte DER DigestInfo of that SHA-256
 *           digest, i.e. what a .NET caller does when the hash is computed
 *           on the host and only the PKCS#1 v1.5 padding/RSA happens on the
 *           token.
 *
 * The user PIN is NEVER taken from the command line: it is read from the
 * environment variable KAGI_BENCH_PIN or, with --pin-stdin, from the first
 * line of standard input.
 *
 * Output (stdout), one JSON line:
 *   {"mechanism":"ecdsa","ops":N,"seconds":S,"opsPerSecond":R}
 * Diagnostics go to stderr; the exit code is non-zero on any failure.
 *
 * Header: p11-kit's pkcs11.h (Debian package libp11-kit-dev). Without
 * CRYPTOKI_GNU it exposes the standard CK_* names ("compat" mode), which is
 * what this file uses.
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#define PIN_ENV "KAGI_BENCH_PIN"

/* SHA-256("abc"): a fixed, well-known 32-byte digest. */
static const unsigned char DIGEST[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
    0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

/* DER prefix of DigestInfo { AlgorithmIdentifier sha256, NULL }, OCTET STRING(32). */
static const unsigned char SHA256_DIGESTINFO_PREFIX[19] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --module PATH --token LABEL --key LABEL --mech ecdsa|rsa\n"
            "          (--ms MILLISECONDS | --count N) [--warmup N] [--pin-stdin]\n"
            "The user PIN is read from $%s (or from stdin with --pin-stdin).\n",
            argv0, PIN_ENV);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Report a failed PKCS#11 call; returns 1 so callers can `return fail(...)`. */
static int fail(const char *what, CK_RV rv)
{
    fprintf(stderr, "signloop: %s failed: rv=0x%08lX\n", what, (unsigned long)rv);
    return 1;
}

/* Compare a NUL-terminated label with a blank-padded 32-byte CK_TOKEN_INFO label. */
static int label_matches(const unsigned char padded[32], const char *want)
{
    size_t n = strlen(want);
    if (n > 32)
        return 0;
    if (memcmp(padded, want, n) != 0)
        return 0;
    for (size_t i = n; i < 32; i++)
        if (padded[i] != ' ')
            return 0;
    return 1;
}

/* Read the PIN from the environment or stdin into buf; returns its length or -1. */
static long read_pin(int from_stdin, char *buf, size_t cap)
{
    if (from_stdin) {
        if (!fgets(buf, (int)cap, stdin))
            return -1;
        buf[strcspn(buf, "\r\n")] = '\0';
    } else {
        const char *env = getenv(PIN_ENV);
        if (!env)
            return -1;
        if (strlen(env) >= cap)
            return -1;
        strcpy(buf, env);
    }
    return (long)strlen(buf);
}

int main(int argc, char **argv)
{
    const char *module = NULL, *token = NULL, *key = NULL, *mech = NULL;
    long ms = -1, count = -1, warmup = 0;
    int pin_stdin = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (!strcmp(a, "--pin-stdin")) {
            pin_stdin = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(argv[0]);
            return 0;
        }
        if (!v) {
            usage(argv[0]);
            return 2;
        }
        if (!strcmp(a, "--module")) module = v;
        else if (!strcmp(a, "--token")) token = v;
        else if (!strcmp(a, "--key")) key = v;
        else if (!strcmp(a, "--mech")) mech = v;
        else if (!strcmp(a, "--ms")) ms = strtol(v, NULL, 10);
        else if (!strcmp(a, "--count")) count = strtol(v, NULL, 10);
        else if (!strcmp(a, "--warmup")) warmup = strtol(v, NULL, 10);
        else {
            usage(argv[0]);
            return 2;
        }
        i++;
    }
    if (!module || !token || !key || !mech || (ms <= 0 && count <= 0) || (ms > 0 && count > 0) ||
        warmup < 0) {
        usage(argv[0]);
        return 2;
    }

    /* Build the data to sign and pick the mechanism. */
    unsigned char data[sizeof SHA256_DIGESTINFO_PREFIX + sizeof DIGEST];
    CK_ULONG data_len;
    CK_MECHANISM mechanism = {0, NULL, 0};
    if (!strcmp(mech, "ecdsa")) {
        mechanism.mechanism = CKM_ECDSA;
        memcpy(data, DIGEST, sizeof DIGEST);
        data_len = sizeof DIGEST;
    } else if (!strcmp(mech, "rsa")) {
        mechanism.mechanism = CKM_RSA_PKCS;
        memcpy(data, SHA256_DIGESTINFO_PREFIX, sizeof SHA256_DIGESTINFO_PREFIX);
        memcpy(data + sizeof SHA256_DIGESTINFO_PREFIX, DIGEST, sizeof DIGEST);
        data_len = sizeof data; /* 51 bytes */
    } else {
        fprintf(stderr, "signloop: unknown --mech '%s' (use ecdsa or rsa)\n", mech);
        return 2;
    }

    char pin[256];
    long pin_len = read_pin(pin_stdin, pin, sizeof pin);
    if (pin_len < 0) {
        fprintf(stderr, "signloop: no PIN: set %s (or use --pin-stdin)\n", PIN_ENV);
        return 2;
    }

    /* Load the module and get its function list. */
    void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "signloop: dlopen(%s): %s\n", module, dlerror());
        return 1;
    }
    CK_C_GetFunctionList get_list = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!get_list) {
        fprintf(stderr, "signloop: %s has no C_GetFunctionList\n", module);
        return 1;
    }
    CK_FUNCTION_LIST_PTR p11 = NULL;
    CK_RV rv = get_list(&p11);
    if (rv != CKR_OK || !p11)
        return fail("C_GetFunctionList", rv);

    CK_C_INITIALIZE_ARGS init_args;
    memset(&init_args, 0, sizeof init_args);
    init_args.flags = CKF_OS_LOCKING_OK;
    rv = p11->C_Initialize(&init_args);
    if (rv != CKR_OK)
        return fail("C_Initialize", rv);

    /* Find the slot holding the token with the requested label. */
    CK_ULONG nslots = 0;
    rv = p11->C_GetSlotList(CK_TRUE, NULL, &nslots);
    if (rv != CKR_OK)
        return fail("C_GetSlotList", rv);
    CK_SLOT_ID *slots = calloc(nslots ? nslots : 1, sizeof *slots);
    if (!slots)
        return 1;
    rv = p11->C_GetSlotList(CK_TRUE, slots, &nslots);
    if (rv != CKR_OK)
        return fail("C_GetSlotList", rv);
    CK_SLOT_ID slot = 0;
    int found = 0;
    for (CK_ULONG i = 0; i < nslots && !found; i++) {
        CK_TOKEN_INFO ti;
        if (p11->C_GetTokenInfo(slots[i], &ti) == CKR_OK && label_matches(ti.label, token)) {
            slot = slots[i];
            found = 1;
        }
    }
    free(slots);
    if (!found) {
        fprintf(stderr, "signloop: no token labelled '%s'\n", token);
        return 1;
    }

    CK_SESSION_HANDLE session;
    rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session);
    if (rv != CKR_OK)
        return fail("C_OpenSession", rv);
    rv = p11->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)pin_len);
    memset(pin, 0, sizeof pin); /* best effort: do not keep the PIN around */
    if (rv != CKR_OK)
        return fail("C_Login(CKU_USER)", rv);

    /* Find the private key by label. */
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_LABEL, (void *)key, (CK_ULONG)strlen(key)},
    };
    rv = p11->C_FindObjectsInit(session, tmpl, 2);
    if (rv != CKR_OK)
        return fail("C_FindObjectsInit", rv);
    CK_OBJECT_HANDLE objs[2];
    CK_ULONG nobjs = 0;
    rv = p11->C_FindObjects(session, objs, 2, &nobjs);
    p11->C_FindObjectsFinal(session);
    if (rv != CKR_OK)
        return fail("C_FindObjects", rv);
    if (nobjs == 0) {
        fprintf(stderr, "signloop: no private key labelled '%s'\n", key);
        return 1;
    }
    if (nobjs > 1)
        fprintf(stderr, "signloop: warning: several private keys labelled '%s', using the first\n", key);
    CK_OBJECT_HANDLE priv = objs[0];

    /* One sign operation: C_SignInit + C_Sign. */
    unsigned char sig[2048];
#define SIGN_ONCE(label_)                                                         \
    do {                                                                          \
        CK_ULONG sig_len = sizeof sig;                                            \
        rv = p11->C_SignInit(session, &mechanism, priv);                          \
        if (rv != CKR_OK)                                                         \
            return fail(label_ ": C_SignInit", rv);                               \
        rv = p11->C_Sign(session, data, data_len, sig, &sig_len);                 \
        if (rv != CKR_OK)                                                         \
            return fail(label_ ": C_Sign", rv);                                   \
    } while (0)

    for (long i = 0; i < warmup; i++)
        SIGN_ONCE("warmup");

    long ops = 0;
    double start = now_seconds(), elapsed = 0.0;
    if (count > 0) {
        for (; ops < count; ops++)
            SIGN_ONCE("loop");
        elapsed = now_seconds() - start;
    } else {
        double budget = (double)ms / 1000.0;
        do {
            SIGN_ONCE("loop");
            ops++;
            elapsed = now_seconds() - start;
        } while (elapsed < budget);
    }

    printf("{\"mechanism\":\"%s\",\"ops\":%ld,\"seconds\":%.6f,\"opsPerSecond\":%.2f}\n", mech, ops,
           elapsed, elapsed > 0 ? (double)ops / elapsed : 0.0);
    fflush(stdout);

    p11->C_Logout(session);
    p11->C_CloseSession(session);
    p11->C_Finalize(NULL);
    dlclose(lib);
    return 0;
}
