/*
 * signloop_mt.c - diagnostic twin of bench/native/signloop.c that can run with one extra, idle thread.
 *
 * Why: a .NET process always has several threads (finalizer, tiered-JIT worker, ...). A process that has
 * ever had a second thread pays a little more for glibc malloc/free (the single-thread fast path is gone,
 * arena locks become atomic operations) and for file-descriptor syscalls (the kernel takes/drops a
 * reference on each fd once the fd table is shared). SoftHSM2's file object store opens, locks and reads
 * token files on every C_SignInit/C_Sign, and OpenSSL allocates on every ECDSA signature, so this
 * "multi-threaded process tax" is visible on SoftHSM2 ECDSA throughput. Comparing
 *     signloop_mt ...          (single-threaded, same as signloop)
 *     MT=1 signloop_mt ...     (one idle pthread, otherwise identical)
 * against bench/Kagi.Bench separates that tax from the managed binding's own cost.
 *
 * Build (from the repository root):
 *     gcc -O2 -std=c11 -I/usr/include/p11-kit-1 -o bench/native/bin/signloop_mt bench/diag/signloop_mt.c -ldl -lpthread
 * Usage: exactly signloop's (PIN in $KAGI_BENCH_PIN); set MT=1 in the environment for the idle thread.
 */
#define main signloop_main
#include "../native/signloop.c"
#undef main

#include <pthread.h>
#include <unistd.h>

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mt = getenv("MT");
    if (mt && strcmp(mt, "0") != 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, idle_thread, NULL) != 0) {
            fprintf(stderr, "signloop_mt: pthread_create failed\n");
            return 1;
        }
        pthread_detach(t);
    }
    return signloop_main(argc, argv);
}
