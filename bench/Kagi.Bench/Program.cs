using System.Diagnostics;
using System.Globalization;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Bench;

/// <summary>
/// kagi-bench: the managed twin of bench/native/signloop.c. Same steps (load the module, C_Initialize with
/// CKF_OS_LOCKING_OK, find the token by label, open an RW session, C_Login(CKU_USER), find the private key by
/// CKA_LABEL) and the same timed loop of C_SignInit + C_Sign, here through <see cref="Session.Sign(Mechanism, ulong, ReadOnlySpan{byte}, Span{byte})"/>
/// into a preallocated buffer.
/// <code>
///   kagi-bench sign --module PATH --token LABEL --key LABEL --mech ecdsa|rsa --ms N [--warmup N] [--api span|array]
/// </code>
/// <c>--api span</c> (default) is the loop bench/run.sh compares with signloop.c. <c>--api array</c> times the
/// allocating <see cref="Session.Sign(Mechanism, ulong, ReadOnlySpan{byte})"/> overload instead (C_SignInit, a
/// C_Sign length query, then C_Sign into a new array), the path Kagi.Tokens' signers use today.
/// The user PIN comes from the environment variable KAGI_BENCH_PIN, never from the command line.
/// stdout gets one JSON line shaped like signloop's: {"mechanism":"ecdsa","ops":N,"seconds":S,"opsPerSecond":R}.
/// Diagnostics (including managed bytes allocated per operation) go to stderr.
/// </summary>
internal static class Program
{
    private const string PinEnv = "KAGI_BENCH_PIN";

    /// <summary>SHA-256("abc"), the same fixed digest as signloop.c.</summary>
    private static readonly byte[] Digest =
    [
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
        0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
        0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    ];

    /// <summary>DER prefix of DigestInfo { sha256, NULL }, OCTET STRING(32).</summary>
    private static readonly byte[] Sha256DigestInfoPrefix =
    [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
    ];

    private static int Main(string[] args)
    {
        try
        {
            return Run(args);
        }
        catch (Pkcs11Exception e)
        {
            Console.Error.WriteLine($"kagi-bench: {e.Message}");
            return 1;
        }
        catch (Pkcs11ModuleLoadException e)
        {
            Console.Error.WriteLine($"kagi-bench: {e.Message}");
            return 1;
        }
    }

    private static void Usage() =>
        Console.Error.WriteLine(
            "usage: kagi-bench sign --module PATH --token LABEL --key LABEL --mech ecdsa|rsa --ms N [--warmup N] [--api span|array]\n" +
            $"The user PIN is read from ${PinEnv}.");

    private static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Usage();
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] != "sign")
        {
            Usage();
            return 2;
        }

        string? module = null, token = null, key = null, mech = null;
        string api = "span";
        long ms = -1, warmup = 0;
        for (int i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                Usage();
                return 2;
            }

            string v = args[i + 1];
            switch (args[i])
            {
                case "--module": module = v; break;
                case "--token": token = v; break;
                case "--key": key = v; break;
                case "--mech": mech = v; break;
                case "--ms": ms = ParseLong(v); break;
                case "--warmup": warmup = ParseLong(v); break;
                case "--api": api = v; break;
                default:
                    Usage();
                    return 2;
            }
        }

        if (module is null || token is null || key is null || mech is null || ms <= 0 || warmup < 0 || api is not ("span" or "array"))
        {
            Usage();
            return 2;
        }

        Mechanism mechanism;
        byte[] data;
        switch (mech)
        {
            case "ecdsa":
                mechanism = Mechanism.Ecdsa;
                data = [.. Digest];
                break;
            case "rsa":
                mechanism = Mechanism.RsaPkcs;
                data = [.. Sha256DigestInfoPrefix, .. Digest]; // 51 bytes
                break;
            default:
                Console.Error.WriteLine($"kagi-bench: unknown --mech '{mech}' (use ecdsa or rsa)");
                return 2;
        }

        string? pinText = Environment.GetEnvironmentVariable(PinEnv);
        if (pinText is null)
        {
            Console.Error.WriteLine($"kagi-bench: no PIN: set {PinEnv}");
            return 2;
        }

        using var pin = PinBuffer.FromChars(pinText);
        using var p11 = Pkcs11Module.Load(module);
        Slot? slot = p11.GetSlots(tokenPresent: true).FirstOrDefault(s => s.GetTokenInfo().Label == token);
        if (slot is null)
        {
            Console.Error.WriteLine($"kagi-bench: no token labelled '{token}'");
            return 1;
        }

        using Session session = slot.OpenSession(readWrite: true);
        session.Login(CKU.CKU_USER, pin.Bytes);
        pin.Dispose(); // best effort: do not keep the PIN around

        IReadOnlyList<ulong> keys = session.FindObjects(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, key));
        if (keys.Count == 0)
        {
            Console.Error.WriteLine($"kagi-bench: no private key labelled '{key}'");
            return 1;
        }

        if (keys.Count > 1)
        {
            Console.Error.WriteLine($"kagi-bench: warning: several private keys labelled '{key}', using the first");
        }

        ulong privateKey = keys[0];
        byte[] signature = new byte[2048];

        bool useArray = api == "array";
        for (long i = 0; i < warmup; i++)
        {
            SignOnce(session, mechanism, privateKey, data, signature, useArray);
        }

        int gen0Before = GC.CollectionCount(0);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long ops = 0;
        double budget = ms / 1000.0;
        double elapsed;
        long start = Stopwatch.GetTimestamp();
        do
        {
            SignOnce(session, mechanism, privateKey, data, signature, useArray);
            ops++;
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        while (elapsed < budget);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        int gen0 = GC.CollectionCount(0) - gen0Before;

        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"mechanism\":\"{mech}\",\"ops\":{ops},\"seconds\":{elapsed:F6},\"opsPerSecond\":{(elapsed > 0 ? ops / elapsed : 0.0):F2}}}"));
        Console.Out.Flush();
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"kagi-bench: managed allocations in the timed loop: {allocated} bytes ({(double)allocated / ops:F2} bytes/op), gen0 GCs: {gen0}"));

        session.Logout();
        return 0;
    }

    /// <summary>One signature: C_SignInit + C_Sign (the array overload adds a C_Sign length query).</summary>
    private static void SignOnce(Session session, Mechanism mechanism, ulong privateKey, byte[] data, byte[] signature, bool useArray)
    {
        if (useArray)
        {
            _ = session.Sign(mechanism, privateKey, data);
        }
        else
        {
            _ = session.Sign(mechanism, privateKey, data, signature);
        }
    }

    private static long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : -1;
}
