using System.Globalization;

namespace Kagi.Bench.Server;

/// <summary>
/// kagi-bench-server: issuance throughput over HTTP, the signing limit of the CA key, an in-process breakdown of the
/// issuance pipeline, and the storage-PIN verification rate. bench/run-server.sh drives it;
/// each mode prints one JSON line on stdout (see the mode classes for the options).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Usage();
            return args.Length == 0 ? 2 : 0;
        }

        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            Options o = Options.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "issue" => await IssueBench.RunAsync(o),
                "ab" => await IssueBench.RunAbAsync(o),
                "sign" => SignBench.Run(o),
                "micro" => MicroBench.Run(o),
                "breakdown" => await Breakdown.RunAsync(o),
                "pins" => await PinBench.RunAsync(o),
                "pbkdf2" => PinBench.RunPbkdf2(o),
                "report" => Report.Run(o),
                _ => throw new UsageException($"unknown mode '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"kagi-bench-server: {e.Message}");
            Usage();
            return 2;
        }
    }

    private static void Usage() => Console.Error.WriteLine("""
        usage: kagi-bench-server MODE OPTIONS   (the server secret: --secret-key or $KAGI__SECRETKEY)
          issue       --url URL --data DIR [--secret-key B64] --count N --concurrency C [--warmup N] [--server-pid PID] [--origin URL]
          ab          --url-a URL --data-a DIR --pid-a PID --url-b URL --data-b DIR --pid-b PID --pairs N --burst R
                      --concurrency C [--warmup W]   (secrets in $KAGI_BENCH_SECRET_A and $KAGI_BENCH_SECRET_B)
          sign        --data DIR [--secret-key B64] --what sign32|tbs|issue|validate-issue --ms N [--threads T]
                      [--ca-module PATH --ca-token-serial SERIAL]   (CA keys on a token; PIN in $KAGI__CA__TOKENPIN)
          micro       --data DIR [--secret-key B64] [--ms-each N]
          breakdown   --data DIR [--count N] [--warmup N] [--e2e-count N] [--concurrency "1 2 4 16"]
          pins        --data DIR --threads T --ms N [--iterations 210000] [--pins K] [--history H]
          pbkdf2      --threads T --ms N [--iterations 210000]
          report      --results FILE   (Markdown tables from the JSON lines bench/run-server.sh collected)
        """);
}
