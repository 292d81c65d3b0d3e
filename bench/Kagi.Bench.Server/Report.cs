using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Kagi.Bench.Server;

/// <summary>
/// report: turns the JSON lines bench/run-server.sh collected ({"job":…,"round":…,"result":{…}}) into the Markdown
/// tables of BENCHMARKS.md: medians over rounds, ranges, ratios against the baselines of the same run (the ratio of
/// the medians and the median of the per-round ratios), and the targets.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Options o)
    {
        var runs = File.ReadLines(o.Get("results"))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonNode.Parse(l)!)
            .Select(n => (Job: (string)n["job"]!, Round: (int)n["round"]!, Result: n["result"]!.AsObject()))
            .ToList();
        var md = new StringBuilder();

        List<(int Round, JsonObject Result)> Of(string job) => runs.Where(r => r.Job == job).Select(r => (r.Round, r.Result)).ToList();
        double? Median(string job, string field = "opsPerSecond") =>
            Of(job) is { Count: > 0 } l ? MedianOf(l.Select(r => (double)r.Result[field]!)) : null;
        double? PairedRatio(string numerator, string denominator)
        {
            var den = Of(denominator).ToDictionary(r => r.Round, r => (double)r.Result["opsPerSecond"]!);
            var ratios = Of(numerator).Where(r => den.ContainsKey(r.Round)).Select(r => (double)r.Result["opsPerSecond"]! / den[r.Round]).ToList();
            return ratios.Count > 0 ? MedianOf(ratios) : null;
        }

        string Range(string job, string field = "opsPerSecond", string format = "F0") =>
            Of(job) is { Count: > 0 } l ? $"{l.Min(r => (double)r.Result[field]!).ToString(format, Inv)}–{l.Max(r => (double)r.Result[field]!).ToString(format, Inv)}" : "–";

        // 1. Issuance over HTTP, software key.
        double? sign32 = Median("sign/software/sign32");
        double? issueLoop = Median("sign/software/issue");
        var concurrencies = runs.Select(r => r.Job).Distinct().Where(j => j.StartsWith("http/software/c", StringComparison.Ordinal))
            .Select(j => int.Parse(j["http/software/c".Length..], Inv)).Order().ToList();
        md.AppendLine("### Issuance over HTTP compared with the CA key's raw signing rate (software P-256, SQLite)").AppendLine();
        md.AppendLine("| | Rate (median, /s) | Range over rounds | Ratio to raw signing (medians) | Median of per-round ratios |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        md.AppendLine($"| **Raw signing** (baseline): CA key's signature generator, 32 bytes, 1 thread | {F(sign32)} | {Range("sign/software/sign32")} | 1.000 | 1.000 |");
        md.AppendLine($"| In-process `CaService.IssueEncoded` loop (no CSR check, no DB, no HTTP), 1 thread | {F(issueLoop)} | {Range("sign/software/issue")} | {R(issueLoop, sign32)} | {R(PairedRatio("sign/software/issue", "sign/software/sign32"))} |");
        foreach (int c in concurrencies)
        {
            string job = $"http/software/c{c}";
            md.AppendLine($"| **HTTP issuance**, {c} concurrent client{(c == 1 ? string.Empty : "s")} | {F(Median(job))} | {Range(job)} | {R(Median(job), sign32)} | {R(PairedRatio(job, "sign/software/sign32"))} |");
        }

        md.AppendLine();
        md.AppendLine("| Concurrency | Certificates/s | p50 latency (ms) | p99 latency (ms) | Max (ms) | Requests ≥ 100 ms | Server CPU per certificate (ms) | Server CPU (cores busy) | Client CPU per certificate (ms) | ≥ 50% of raw signing | ≥ 1,000/s |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|");
        foreach (int c in concurrencies)
        {
            string job = $"http/software/c{c}";
            double? rate = Median(job);
            md.AppendLine($"| {c} | {F(rate)} | {F(Median(job, "p50ms"), 1)} | {F(Median(job, "p99ms"), 1)} | {F(Median(job, "maxms"), 0)} | {F(Median(job, "over100ms"), 0)} of {Of(job).FirstOrDefault().Result?["count"]} | {F(Median(job, "serverCpuMsPerOp"), 2)} | {F(Median(job, "serverCpuCores"), 2)} | {F(Median(job, "clientCpuMsPerOp"), 2)} | {Met(rate, sign32 * 0.5)} | {Met(rate, 1000)} |");
        }

        md.AppendLine().AppendLine("(Medians over rounds; latency and CPU columns are the medians of the per-round values.)").AppendLine();

        // 2. Logging as shipped (A/B).
        if (Of("ab/shipped-logging").FirstOrDefault().Result is { } logging)
        {
            md.AppendLine($"### Server logging as shipped compared with Warning (A/B, {logging["pairs"]} interleaved pairs of {logging["burst"]} requests, {logging["concurrency"]} clients)").AppendLine();
            md.AppendLine("| Server | Certificates/s (median of bursts) | Range of bursts | Server CPU per certificate (ms, median) | p99 latency (ms) | Ratio to the Warning server (medians) | Median of per-pair ratios |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            AbRows(md, logging, "`Logging:LogLevel:Default=Warning` (baseline)", "as shipped: no appsettings.json, so the built-in levels (Information; ASP.NET Core and EF Core at Warning)");
            md.AppendLine();
        }

        // 3. SoftHSM2.
        if (Of("sign/softhsm/sign32").Count > 0)
        {
            md.AppendLine("### CA key on SoftHSM2 (`Kagi:Ca:Pkcs11Module`) compared with the software key").AppendLine();
            md.AppendLine("| Operation | SoftHSM2 key (median, /s) | Range | Software key (median, /s) | Ratio SoftHSM2/software (medians) | Median of per-round ratios |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            md.AppendLine($"| Raw signing, 32 bytes, 1 thread | {F(Median("sign/softhsm/sign32"))} | {Range("sign/softhsm/sign32")} | {F(sign32)} | {R(Median("sign/softhsm/sign32"), sign32)} | {R(PairedRatio("sign/softhsm/sign32", "sign/software/sign32"))} |");
            md.AppendLine($"| In-process `CaService.IssueEncoded` loop | {F(Median("sign/softhsm/issue"))} | {Range("sign/softhsm/issue")} | {F(issueLoop)} | {R(Median("sign/softhsm/issue"), issueLoop)} | {R(PairedRatio("sign/softhsm/issue", "sign/software/issue"))} |");
            md.AppendLine();
            if (Of("ab/softhsm").FirstOrDefault().Result is { } hsm)
            {
                md.AppendLine($"HTTP issuance (A/B, {hsm["pairs"]} interleaved pairs of {hsm["burst"]} requests, {hsm["concurrency"]} clients):").AppendLine();
                md.AppendLine("| Server | Certificates/s (median of bursts) | Range of bursts | Server CPU per certificate (ms, median) | p99 latency (ms) | Ratio to the software-key server (medians) | Median of per-pair ratios |");
                md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
                AbRows(md, hsm, "software CA key (baseline)", "CA keys on SoftHSM2");
                md.AppendLine();
                md.AppendLine($"HTTP issuance with the SoftHSM2 key compared with that key's raw signing rate: {R((double?)hsm["b"]!["opsPerSecond"], Median("sign/softhsm/sign32"))} (medians).");
                md.AppendLine();
            }
        }

        // 4. Storage PINs.
        var pinThreads = runs.Select(r => r.Job).Distinct().Where(j => j.StartsWith("pins/", StringComparison.Ordinal)).Select(j => int.Parse(j[5..], Inv)).Order().ToList();
        if (pinThreads.Count > 0)
        {
            string iterations = Of($"pins/{pinThreads[0]}").First().Result["iterations"]!.ToString();
            md.AppendLine($"### Storage-PIN verification ({int.Parse(iterations, Inv):N0} PBKDF2-SHA256 iterations) compared with raw PBKDF2").AppendLine();
            md.AppendLine("| Threads (database) | `StoragePinService.VerifyAsync` on SQLite (median, /s) | Range | Raw `Rfc2898DeriveBytes.Pbkdf2` (median, /s) | Range | Ratio verify/PBKDF2 (medians) | Median of per-round ratios |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int t in pinThreads)
            {
                string pins = Of($"pins/{t}").First().Result["pinsInTable"]?.ToString() ?? "?";
                md.AppendLine($"| {t} ({pins} PINs in the table) | {F(Median($"pins/{t}"), 2)} | {Range($"pins/{t}", format: "F2")} | {F(Median($"pbkdf2/{t}"), 2)} | {Range($"pbkdf2/{t}", format: "F2")} | {R(Median($"pins/{t}"), Median($"pbkdf2/{t}"))} | {R(PairedRatio($"pins/{t}", $"pbkdf2/{t}"))} |");
            }

            if (Of("pins-history/1").Count > 0)
            {
                string pins = Of("pins-history/1").First().Result["pinsInTable"]?.ToString() ?? "?";
                md.AppendLine($"| 1 ({pins} PINs in the table: used PINs of earlier enrollments) | {F(Median("pins-history/1"), 2)} | {Range("pins-history/1", format: "F2")} | {F(Median("pbkdf2/1"), 2)} | {Range("pbkdf2/1", format: "F2")} | {R(Median("pins-history/1"), Median("pbkdf2/1"))} | {R(PairedRatio("pins-history/1", "pbkdf2/1"))} |");
            }

            md.AppendLine();
        }

        // 5. Breakdown and micro.
        if (Of("breakdown").FirstOrDefault().Result is { } breakdown)
        {
            md.AppendLine($"### Where one issuance goes (in-process, one at a time, no HTTP; SQLite {breakdown["sqlite"]})").AppendLine();
            md.AppendLine("| Step (`RequestCertificate` + `IssuancePipeline.IssueAsync`) | Calls per certificate | Mean (µs) | µs per certificate |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var (name, value) in breakdown["steps"]!.AsObject())
            {
                string label = name.Contains('/', StringComparison.Ordinal) ? $"&nbsp;&nbsp;↳ {name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..]}" : name;
                md.AppendLine($"| {label} | {value!["perCert"]} | {value["meanUs"]} | {value["usPerCert"]} |");
            }

            md.AppendLine();
            md.AppendLine("| End to end in-process (`IssuancePipeline.IssueAsync`, no HTTP) | Concurrent callers | Certificates/s | p50 (ms) | p99 (ms) | ≥ 100 ms | SQL calls ≥ 100 ms | Mean BEGIN IMMEDIATE (µs) |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (JsonNode? e in breakdown["e2e"]!.AsArray())
            {
                md.AppendLine($"| {e!["variant"]} | {e["concurrency"]} | {e["opsPerSecond"]} | {e["p50ms"]} | {e["p99ms"]} | {e["over100ms"]} | {e["slowSqlWaits"]} | {e["beginMeanUs"]} |");
            }

            md.AppendLine();
        }

        if (Of("micro").FirstOrDefault().Result is { } micro)
        {
            md.AppendLine("### Cost of single .NET/OpenSSL operations on the issuance path (µs per call, one thread)").AppendLine();
            md.AppendLine("| Operation | µs |");
            md.AppendLine("|---|---:|");
            foreach (var (name, value) in micro)
            {
                if (name != "mode")
                {
                    md.AppendLine($"| {name} | {value} |");
                }
            }

            md.AppendLine();
        }

        Console.Out.Write(md.ToString());
        return 0;
    }

    private static void AbRows(StringBuilder md, JsonObject ab, string a, string b)
    {
        JsonNode sa = ab["a"]!;
        JsonNode sb = ab["b"]!;
        double ra = (double)sa["opsPerSecond"]!;
        double rb = (double)sb["opsPerSecond"]!;
        md.AppendLine($"| {a} | {F(ra)} | {F((double)sa["min"]!, 0)}–{F((double)sa["max"]!, 0)} | {sa["serverCpuMsPerOp"]} | {sa["p99ms"]} | 1.000 | 1.000 |");
        md.AppendLine($"| {b} | {F(rb)} | {F((double)sb["min"]!, 0)}–{F((double)sb["max"]!, 0)} | {sb["serverCpuMsPerOp"]} | {sb["p99ms"]} | {R(rb, ra)} | {R((double)ab["medianPairRatio"]!)} |");
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string F(double? v, int digits = 1) => v is { } d && !double.IsNaN(d) ? d.ToString("N" + digits.ToString(Inv), Inv) : "–";

    private static string R(double? a, double? b = 1) => a is { } x && b is { } y && y > 0 ? (x / y).ToString("F3", Inv) : "–";

    private static string Met(double? value, double? target) =>
        value is { } v && target is { } t ? (v >= t ? "met" : $"**NOT met** ({v / t:P0} of it)") : "–";
}
