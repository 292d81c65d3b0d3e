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
        var baseUri = new Uri(o.Get("url").TrimEnd('/') + "/");
        string data = o.Get("data");
        byte[] secret = ServerSetup.Secret(o);
        string origin = o.Get("origin", "https://kagi.bench");
        int count = o.GetInt("count", 2000);
        int concurrency = Math.Max(1, o.GetInt("concurrency", 4));
        int warmup = o.GetInt("warmup", 100);
        int setupConcurrency = Math.Max(1, o.GetInt("setup-concurrency", 2));
        int serverPid = o.GetInt("server-pid", 0);
        string? marker = o.Find("start-marker");

        // 1. Operator steps on the database.
        var setupClock = Stopwatch.StartNew();
        List<PreparedOrder> orders = await Orders.CreateAsync(
            ServerSetup.SqliteConnection(data), count + warmup, o.Get("prefix", "FC"), new SecretProtector(secret), pinIterations: 1000);
        double operatorSeconds = setupClock.Elapsed.TotalSeconds;

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(concurrency, setupConcurrency),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };

        // 2. Enrollment API up to a PIN-verified ticket, for every order.
        var tickets = new string[orders.Count];
        await ForEachAsync(orders.Count, setupConcurrency, async i =>
        {
            PreparedOrder order = orders[i];
            var client = new KagiApiClient(http);
            NonceResponse nonce = await client.GetNonceAsync(order.Serial);
            byte[] signature = order.DistributionKey!.SignHash(TokenAuthentication.Digest(origin, order.Serial, nonce.Nonce));
            await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(
                order.Serial, Orders.Manufacturer, Orders.Model, nonce.Nonce, Convert.ToBase64String(signature)));
            await client.VerifyStoragePinAsync(order.StoragePin!);
            tickets[i] = "Bearer " + client.Ticket;
        });

        // 3. One CSR per order from a fresh software key, as ready-to-send request bodies.
        var bodies = new byte[orders.Count][];
        var keys = new byte[orders.Count][];
        for (int i = 0; i < orders.Count; i++)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] csr = new CertificateRequest("CN=kagi bench " + i, key, HashAlgorithmName.SHA256).CreateSigningRequest();
            keys[i] = key.ExportSubjectPublicKeyInfo();
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new CertificateSigningRequest(Convert.ToBase64String(csr)), KagiApiClient.Json);
        }

        double setupSeconds = setupClock.Elapsed.TotalSeconds;
        var responses = new byte[orders.Count][];
        var status = new int[orders.Count];
        var latency = new long[orders.Count];

        async Task Request(int i)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/enrollment/certificate") { Content = new ByteArrayContent(bodies[i]) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Authorization", tickets[i]);
            using HttpResponseMessage response = await http.SendAsync(request);
            responses[i] = await response.Content.ReadAsByteArrayAsync();
            status[i] = (int)response.StatusCode;
            latency[i] = Stopwatch.GetTimestamp() - t0;
        }

        // 4. Warm-up (JIT, connection set-up), then the timed requests.
        await ForEachAsync(warmup, concurrency, Request);
        int gen0 = GC.CollectionCount(0);
        double serverCpu0 = serverPid > 0 ? ServerSetup.ProcessCpuSeconds(serverPid) : 0;
        TimeSpan clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        if (marker is not null)
        {
            await File.WriteAllTextAsync(marker, "timing\n"); // lets a profiler attach to the timed phase only
        }

        long start = Stopwatch.GetTimestamp();
        await ForEachAsync(count, concurrency, i => Request(warmup + i));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu0).TotalSeconds;
        double serverCpu = serverPid > 0 ? ServerSetup.ProcessCpuSeconds(serverPid) - serverCpu0 : double.NaN;

        // 5. Check every response.
        int failed = 0;
        string? firstFailure = null;
        for (int i = 0; i < orders.Count; i++)
        {
            string? problem = Check(status[i], responses[i], keys[i], orders[i].CertificateId, verifyChain: i < warmup + 20);
            if (problem is not null)
            {
                failed++;
                firstFailure ??= $"{orders[i].Serial}: {problem}";
            }
        }

        double[] ms = latency.Skip(warmup).Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "issue",
            ["count"] = count,
            ["concurrency"] = concurrency,
            ["seconds"] = ServerSetup.Round(seconds, 4),
            ["opsPerSecond"] = ServerSetup.Round(count / seconds),
            ["p50ms"] = ServerSetup.Round(Percentile(ms, 0.50)),
            ["p90ms"] = ServerSetup.Round(Percentile(ms, 0.90)),
            ["p99ms"] = ServerSetup.Round(Percentile(ms, 0.99)),
            ["maxms"] = ServerSetup.Round(ms[^1]),
            ["over100ms"] = ms.Count(v => v >= 100),
            ["serverCpuMsPerOp"] = serverPid > 0 ? ServerSetup.Round(serverCpu * 1000 / count, 3) : null,
            ["clientCpuMsPerOp"] = ServerSetup.Round(clientCpu * 1000 / count, 3),
            ["serverCpuCores"] = serverPid > 0 ? ServerSetup.Round(serverCpu / seconds, 3) : null,
            ["clientGen0"] = GC.CollectionCount(0) - gen0,
            ["failed"] = failed,
            ["firstFailure"] = firstFailure,
            ["operatorSetupSeconds"] = ServerSetup.Round(operatorSeconds, 1),
            ["setupSeconds"] = ServerSetup.Round(setupSeconds, 1),
        });
        return failed == 0 ? 0 : 1;
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
}
