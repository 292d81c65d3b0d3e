using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kagi.Protocol;
using Kagi.Server.Security;

namespace Kagi.Bench.Server;

/// <summary>
/// issue: certificates per second through the real HTTP stack of a running server.
/// <code>
///   kagi-bench-server issue --url http://127.0.0.1:PORT --data DIR [--secret-key B64] [--origin URL] [--prefix FC]
///                           --count N --concurrency C [--warmup N] [--setup-concurrency N] [--server-pid PID]
///                           [--start-marker FILE]
/// </code>
/// Untimed: count + warmup orders are prepared on the server's database (<see cref="Orders"/>, storage PINs at 1,000
/// PBKDF2 iterations: only the set-up verifies them), then each order goes through the enrollment API over HTTP
/// (nonce, token authentication signed by its software distribution key, storage PIN) to get a PIN-verified ticket,
/// and one CSR per order is made from a fresh software P-256 key. Warm-up: the first warmup orders request their
/// certificate. Timed: count POST /api/v1/enrollment/certificate requests from C concurrent clients (one keep-alive
/// connection each). Afterwards every response is checked (certificate for the CSR's key, subject with the order's
/// certificate ID, signature chain for a sample).
/// </summary>
internal static class IssueBench
{
    public static async Task<int> RunAsync(Options o)
    {
        int count = o.GetInt("count", 2000);
        int concurrency = Math.Max(1, o.GetInt("concurrency", 4));
        int warmup = o.GetInt("warmup", 100);
        string? marker = o.Find("start-marker");
        using var target = new Target(o.Get("url"), o.Get("data"), ServerSetup.Secret(o), o.GetInt("server-pid", 0), concurrency);

        var setupClock = Stopwatch.StartNew();
        await target.PrepareAsync(count + warmup, o);
        double setupSeconds = setupClock.Elapsed.TotalSeconds;

        await target.BurstAsync(0, warmup, concurrency);
        if (marker is not null)
        {
            await File.WriteAllTextAsync(marker, "timing\n"); // lets a profiler attach to the timed phase only
        }

        Burst burst = await target.BurstAsync(warmup, count, concurrency);
        var (failed, firstFailure) = target.CheckAll(verifyChainFirst: warmup + 20);
        double[] ms = target.Latencies(warmup, count);
        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "issue",
            ["count"] = count,
            ["concurrency"] = concurrency,
            ["seconds"] = ServerSetup.Round(burst.Seconds, 4),
            ["opsPerSecond"] = ServerSetup.Round(count / burst.Seconds),
            ["p50ms"] = ServerSetup.Round(Percentile(ms, 0.50)),
            ["p90ms"] = ServerSetup.Round(Percentile(ms, 0.90)),
            ["p99ms"] = ServerSetup.Round(Percentile(ms, 0.99)),
            ["maxms"] = ServerSetup.Round(ms[^1]),
            ["over100ms"] = ms.Count(v => v >= 100),
            ["serverCpuMsPerOp"] = target.Pid > 0 ? ServerSetup.Round(burst.ServerCpuSeconds * 1000 / count, 3) : null,
            ["clientCpuMsPerOp"] = ServerSetup.Round(burst.ClientCpuSeconds * 1000 / count, 3),
            ["serverCpuCores"] = target.Pid > 0 ? ServerSetup.Round(burst.ServerCpuSeconds / burst.Seconds, 3) : null,
            ["failed"] = failed,
            ["firstFailure"] = firstFailure,
            ["setupSeconds"] = ServerSetup.Round(setupSeconds, 1),
        });
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// ab: two servers compared in one process with interleaved bursts (A B, B A, A B, …), so slow changes in machine
    /// load hit both alike.
    /// <code>
    ///   kagi-bench-server ab --url-a URL --data-a DIR --pid-a PID --url-b URL --data-b DIR --pid-b PID
    ///                        --pairs N --burst R --concurrency C [--warmup W]      (secrets: $KAGI_BENCH_SECRET_A/_B)
    /// </code>
    /// </summary>
    public static async Task<int> RunAbAsync(Options o)
    {
        int pairs = Math.Max(1, o.GetInt("pairs", 10));
        int burstSize = Math.Max(1, o.GetInt("burst", 200));
        int concurrency = Math.Max(1, o.GetInt("concurrency", 4));
        int warmup = o.GetInt("warmup", 100);
        byte[] SecretOf(string env) => Convert.FromBase64String(Environment.GetEnvironmentVariable(env) ?? throw new UsageException($"set {env}"));
        using var a = new Target(o.Get("url-a"), o.Get("data-a"), SecretOf("KAGI_BENCH_SECRET_A"), o.GetInt("pid-a", 0), concurrency);
        using var b = new Target(o.Get("url-b"), o.Get("data-b"), SecretOf("KAGI_BENCH_SECRET_B"), o.GetInt("pid-b", 0), concurrency);
        int n = warmup + (pairs * burstSize);
        await a.PrepareAsync(n, o);
        await b.PrepareAsync(n, o);
        await a.BurstAsync(0, warmup, concurrency);
        await b.BurstAsync(0, warmup, concurrency);

        var ra = new List<Burst>();
        var rb = new List<Burst>();
        for (int i = 0; i < pairs; i++)
        {
            int from = warmup + (i * burstSize);
            if (i % 2 == 0)
            {
                ra.Add(await a.BurstAsync(from, burstSize, concurrency));
                rb.Add(await b.BurstAsync(from, burstSize, concurrency));
            }
            else
            {
                rb.Add(await b.BurstAsync(from, burstSize, concurrency));
                ra.Add(await a.BurstAsync(from, burstSize, concurrency));
            }
        }

        var (failedA, firstA) = a.CheckAll(verifyChainFirst: warmup + 20);
        var (failedB, firstB) = b.CheckAll(verifyChainFirst: warmup + 20);
        Dictionary<string, object?> Side(Target t, List<Burst> bursts) => new()
        {
            ["opsPerSecond"] = ServerSetup.Round(Median(bursts.Select(x => burstSize / x.Seconds))),
            ["min"] = ServerSetup.Round(bursts.Min(x => burstSize / x.Seconds)),
            ["max"] = ServerSetup.Round(bursts.Max(x => burstSize / x.Seconds)),
            ["serverCpuMsPerOp"] = t.Pid > 0 ? ServerSetup.Round(Median(bursts.Select(x => x.ServerCpuSeconds * 1000 / burstSize)), 3) : null,
            ["p99ms"] = ServerSetup.Round(Percentile(t.Latencies(warmup, pairs * burstSize), 0.99)),
        };
        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "ab",
            ["pairs"] = pairs,
            ["burst"] = burstSize,
            ["concurrency"] = concurrency,
            ["a"] = Side(a, ra),
            ["b"] = Side(b, rb),
            ["opsPerSecond"] = ServerSetup.Round(Median(rb.Select(x => burstSize / x.Seconds))),
            ["medianPairRatio"] = ServerSetup.Round(Median(ra.Zip(rb, (x, y) => x.Seconds / y.Seconds)), 3),
            ["failed"] = failedA + failedB,
            ["firstFailure"] = firstA ?? firstB,
        });
        return failedA + failedB == 0 ? 0 : 1;
    }

    /// <summary>Runs body(0..count-1) with at most <paramref name="parallel"/> in flight (each worker takes the next index).</summary>
    public static Task ForEachAsync(int count, int parallel, Func<int, Task> body)
    {
        int next = -1;
        return Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, Math.Max(count, 1))).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await body(i);
            }
        })));
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Median(IEnumerable<double> values) => Percentile(values.Order().ToArray(), 0.5);

    /// <summary>A timed burst: wall seconds, and CPU seconds of the server and of this process meanwhile.</summary>
    private readonly record struct Burst(double Seconds, double ServerCpuSeconds, double ClientCpuSeconds);

    /// <summary>One server under test with its prepared orders, tickets and ready-to-send requests.</summary>
    private sealed class Target : IDisposable
    {
        private readonly SocketsHttpHandler _handler;
        private readonly HttpClient _http;
        private readonly string _data;
        private readonly byte[] _secret;
        private List<PreparedOrder> _orders = [];
        private string[] _tickets = [];
        private byte[][] _bodies = [];
        private byte[][] _keys = [];
        private byte[]?[] _responses = [];
        private int[] _status = [];
        private long[] _latency = [];

        public Target(string url, string data, byte[] secret, int pid, int concurrency)
        {
            _data = data;
            _secret = secret;
            Pid = pid;
            _handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(concurrency, 4),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(30),
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            _http = new HttpClient(_handler) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        }

        public int Pid { get; }

        /// <summary>Operator steps on the database, the enrollment API up to a PIN-verified ticket, one CSR each.</summary>
        public async Task PrepareAsync(int n, Options o)
        {
            string origin = o.Get("origin", "https://kagi.bench");
            int setupConcurrency = Math.Max(1, o.GetInt("setup-concurrency", 2));
            _orders = await Orders.CreateAsync(
                ServerSetup.SqliteConnection(_data), n, o.Get("prefix", "FC"), new SecretProtector(_secret), pinIterations: 1000);
            _tickets = new string[n];
            await ForEachAsync(n, setupConcurrency, async i =>
            {
                PreparedOrder order = _orders[i];
                var client = new KagiApiClient(_http);
                NonceResponse nonce = await client.GetNonceAsync(order.Serial);
                byte[] signature = order.DistributionKey!.SignHash(TokenAuthentication.Digest(origin, order.Serial, nonce.Nonce));
                await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(
                    order.Serial, Orders.Manufacturer, Orders.Model, nonce.Nonce, Convert.ToBase64String(signature)));
                await client.VerifyStoragePinAsync(order.StoragePin!);
                _tickets[i] = "Bearer " + client.Ticket;
            });
            _bodies = new byte[n][];
            _keys = new byte[n][];
            for (int i = 0; i < n; i++)
            {
                using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                byte[] csr = new CertificateRequest("CN=kagi bench " + i, key, HashAlgorithmName.SHA256).CreateSigningRequest();
                _keys[i] = key.ExportSubjectPublicKeyInfo();
                _bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new CertificateSigningRequest(Convert.ToBase64String(csr)), KagiApiClient.Json);
            }

            _responses = new byte[n][];
            _status = new int[n];
            _latency = new long[n];
        }

        /// <summary>Requests the certificates of orders from..from+count-1 with <paramref name="concurrency"/> clients.</summary>
        public async Task<Burst> BurstAsync(int from, int count, int concurrency)
        {
            double server0 = Pid > 0 ? ServerSetup.ProcessCpuSeconds(Pid) : 0;
            TimeSpan client0 = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            await ForEachAsync(count, concurrency, i => RequestAsync(from + i));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return new Burst(
                seconds,
                Pid > 0 ? ServerSetup.ProcessCpuSeconds(Pid) - server0 : double.NaN,
                (Process.GetCurrentProcess().TotalProcessorTime - client0).TotalSeconds);
        }

        public double[] Latencies(int from, int count) =>
            _latency.Skip(from).Take(count).Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();

        /// <summary>Checks every response; the first <paramref name="verifyChainFirst"/> also by chain building.</summary>
        public (int Failed, string? First) CheckAll(int verifyChainFirst)
        {
            int failed = 0;
            string? first = null;
            for (int i = 0; i < _orders.Count; i++)
            {
                string? problem = Check(_status[i], _responses[i], _keys[i], _orders[i].CertificateId, verifyChain: i < verifyChainFirst);
                if (problem is not null)
                {
                    failed++;
                    first ??= $"{_orders[i].Serial}: {problem}";
                }
            }

            return (failed, first);
        }

        public void Dispose()
        {
            _http.Dispose();
            _handler.Dispose();
            foreach (PreparedOrder order in _orders)
            {
                order.DistributionKey?.Dispose();
            }
        }

        private async Task RequestAsync(int i)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/enrollment/certificate") { Content = new ByteArrayContent(_bodies[i]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Authorization", _tickets[i]);
            using HttpResponseMessage response = await _http.SendAsync(request);
            _responses[i] = await response.Content.ReadAsByteArrayAsync();
            _status[i] = (int)response.StatusCode;
            _latency[i] = Stopwatch.GetTimestamp() - t0;
        }

        private static string? Check(int status, byte[]? body, byte[] expectedKey, string certificateId, bool verifyChain)
        {
            if (status != 200 || body is null)
            {
                string text = body is null ? string.Empty : System.Text.Encoding.UTF8.GetString(body);
                return $"HTTP {status} {text[..Math.Min(200, text.Length)]}";
            }

            IssuedCertificateResponse? issued = JsonSerializer.Deserialize<IssuedCertificateResponse>(body, KagiApiClient.Json);
            if (issued is null)
            {
                return "empty response";
            }

            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate));
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(expectedKey))
            {
                return "certificate is not for the CSR's key";
            }

            if (!certificate.Subject.Contains(certificateId, StringComparison.Ordinal))
            {
                return $"subject '{certificate.Subject}' lacks {certificateId}";
            }

            if (verifyChain)
            {
                using X509Certificate2 issuing = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[0]));
                using X509Certificate2 root = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[1]));
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.ExtraStore.Add(issuing);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (!chain.Build(certificate))
                {
                    return "chain does not verify: " + string.Join(", ", chain.ChainStatus.Select(s => s.Status));
                }
            }

            return null;
        }
    }
}
