using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kagi.Server.Ca;
using Kagi.Server.Options;

namespace Kagi.Bench.Server;

/// <summary>The settings a benchmark shares with the server it measures, and small helpers.</summary>
internal static class ServerSetup
{
    /// <summary>Server options matching what bench/run-server.sh passes to kagi-server on its command line.</summary>
    /// <remarks>With --ca-module the CA keys are on a PKCS#11 token, as with Kagi:Ca:Pkcs11Module (the PIN comes from
    /// KAGI__CA__TOKENPIN, the variable the server reads).</remarks>
    public static KagiServerOptions ServerOptions(Options o) => new()
    {
        DataDirectory = o.Get("data"),
        PublicOrigin = o.Get("origin", "https://kagi.bench"),
        Profile = new ProfileOptions { CertificateIdPrefix = o.Get("prefix", "FC") },
        Ca = new CaOptions
        {
            Pkcs11Module = o.Find("ca-module"),
            TokenSerial = o.Find("ca-token-serial"),
            TokenPin = Environment.GetEnvironmentVariable("KAGI__CA__TOKENPIN"),
        },
    };

    /// <summary>
    /// The 32-byte server secret (base64, as in Kagi:SecretKey): --secret-key, or else the KAGI__SECRETKEY environment
    /// variable the server itself reads (bench/run-server.sh uses the variable, so no secret is on a command line).
    /// </summary>
    public static byte[] Secret(Options o) => Convert.FromBase64String(
        o.Find("secret-key") ?? Environment.GetEnvironmentVariable("KAGI__SECRETKEY") ?? throw new UsageException("--secret-key or KAGI__SECRETKEY is required"));

    /// <summary>
    /// Loads (or creates) the server's CA exactly as KagiServerHost does: CaBootstrap on DataDirectory/ca, with the
    /// keys in encrypted files or, with Ca.Pkcs11Module, on the token (the same key objects, found by CKA_ID).
    /// </summary>
    /// <returns>The CA and, for a token, the logged-in session to dispose after it.</returns>
    public static (CaService Ca, IDisposable? Session) LoadCa(KagiServerOptions options, byte[] secret)
    {
        string directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "ca");
        if (string.IsNullOrWhiteSpace(options.Ca.Pkcs11Module))
        {
            var (root, issuing) = CaBootstrap.LoadOrCreate(
                directory, options.Ca, options.Ca.KeyPassword ?? CaBootstrap.DerivePassword(secret), TimeProvider.System);
            return (new CaService(root, issuing, options), null);
        }

        var (tokenRoot, tokenIssuing, session) = CaBootstrap.LoadOrCreateOnToken(directory, options.Ca, TimeProvider.System);
        return (new CaService(tokenRoot, tokenIssuing, options), session);
    }

    public static string SqliteConnection(string dataDirectory) =>
        $"Data Source={Path.Combine(Path.GetFullPath(dataDirectory), "kagi.db")}";

    /// <summary>Runs <paramref name="op"/> on <paramref name="threads"/> threads until <paramref name="ms"/> have passed.</summary>
    /// <returns>Operations done and the seconds they took.</returns>
    public static (long Ops, double Seconds) TimedLoop(int threads, int ms, Action<int> op)
    {
        long total = 0;
        var ready = new Barrier(threads + 1);
        long deadline = 0;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                ready.SignalAndWait();
                long n = 0;
                while (Stopwatch.GetTimestamp() < Volatile.Read(ref deadline))
                {
                    op(id);
                    n++;
                }

                Interlocked.Add(ref total, n);
            }) { IsBackground = true };
            workers[t].Start();
        }

        long start = Stopwatch.GetTimestamp();
        Volatile.Write(ref deadline, start + (long)(ms / 1000.0 * Stopwatch.Frequency));
        ready.SignalAndWait();
        foreach (Thread w in workers)
        {
            w.Join();
        }

        return (total, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>CPU seconds (user + system) a process has used so far, from /proc/PID/stat.</summary>
    public static double ProcessCpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After "pid (comm) ": f[0] is field 3 (state); utime and stime are fields 14 and 15.
        long ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /// <summary>Writes one JSON line to stdout.</summary>
    public static void Emit(Dictionary<string, object?> result)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(result));
        Console.Out.Flush();
    }

    public static double Round(double v, int digits = 2) => Math.Round(v, digits);

    public static string Hex(int bytes) => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));

    public static MemoryStream Csv(StringBuilder text) => new(Encoding.UTF8.GetBytes(text.ToString()));
}
