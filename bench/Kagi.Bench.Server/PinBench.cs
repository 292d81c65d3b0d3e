using System.Security.Cryptography;
using System.Text;
using Kagi.Registry;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Pins;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Bench.Server;

/// <summary>
/// pins: storage-PIN verifications per second through StoragePinService.VerifyAsync on SQLite, in-process.
/// pbkdf2: the raw Rfc2898DeriveBytes.Pbkdf2 rate with the same parameters (the baseline).
/// <code>
///   kagi-bench-server pins   --data DIR --threads T --ms N [--iterations 210000] [--pins K] [--history H]
///   kagi-bench-server pbkdf2 --threads T --ms N [--iterations 210000]
/// </code>
/// pins prepares K open assignments on a fresh database in DIR, each with an active storage PIN stored with
/// <c>iterations</c> PBKDF2-SHA256 iterations. To keep the set-up short the K PINs share one PIN text and salt (so
/// one hash is computed for all); a verification still derives the full PBKDF2 from the stored salt and count. Each
/// verification is a correct PIN, in a scope of its own (as one request): the lookup query, PBKDF2, the conditional
/// UPDATE, the audit append, COMMIT. --history H adds H used PINs of earlier enrollments to the table first (the
/// lookup query's cost grows with the whole table, see BENCHMARKS.md).
/// </summary>
internal static class PinBench
{
    private const string Pin = "Kagi2345Bench";

    public static async Task<int> RunAsync(Options o)
    {
        int threads = Math.Max(1, o.GetInt("threads", 1));
        int ms = Math.Max(1, o.GetInt("ms", 5000));
        int iterations = o.GetInt("iterations", StoragePinOptions.DefaultIterations);
        int k = o.GetInt("pins", 400);
        int history = o.GetInt("history", 0);
        string data = o.Get("data");
        Directory.CreateDirectory(data);
        string connection = ServerSetup.SqliteConnection(data);

        var services = new ServiceCollection();
        services.AddSingleton(new StoragePinOptions { Iterations = iterations });
        services.AddKagiRegistry(KagiDatabase.Sqlite, connection);
        await using ServiceProvider provider = services.BuildServiceProvider();
        await using (AsyncServiceScope scope = provider.CreateAsyncScope())
        {
            await KagiMigrations.MigrateAsync(scope.ServiceProvider.GetRequiredService<KagiDbContext>());
        }

        List<PreparedOrder> orders = await Orders.CreateAsync(connection, k, "FC", protector: null, pinIterations: 0);
        byte[] salt = StoragePinHasher.NewSalt();
        byte[] hash = StoragePinHasher.Hash(Pin, salt, iterations);
        await using (AsyncServiceScope scope = provider.CreateAsyncScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            DateTimeOffset now = DateTimeOffset.UtcNow;

            // Used PINs of earlier enrollments (lower ids than the active ones, so each assignment's latest PIN stays
            // the active one): what a database holds after `history` users have enrolled.
            db.StoragePins.AddRange(Enumerable.Range(0, history).Select(i => new StoragePin
            {
                AssignmentId = orders[i % orders.Count].AssignmentId,
                Hash = hash,
                Salt = salt,
                Iterations = iterations,
                CreatedAt = now.AddDays(-30),
                ExpiresAt = now.AddDays(-16),
                State = StoragePinState.Used,
                UsedAt = now.AddDays(-29),
            }));
            await db.SaveChangesAsync();
            db.StoragePins.AddRange(orders.Select(order => new StoragePin
            {
                AssignmentId = order.AssignmentId,
                Hash = hash,
                Salt = salt,
                Iterations = iterations,
                CreatedAt = now,
                ExpiresAt = now.AddDays(14),
                State = StoragePinState.Active,
            }));
            await db.SaveChangesAsync();
        }

        var actor = new AuditActor("token:bench", "127.0.0.1");
        int next = -1;
        int failures = 0;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        void Verify()
        {
            int i = Interlocked.Increment(ref next);
            if (i >= orders.Count)
            {
                throw new InvalidOperationException($"out of prepared PINs: raise --pins above {orders.Count}");
            }

            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            using IServiceScope scope = provider.CreateScope();
            StoragePinVerification result = scope.ServiceProvider.GetRequiredService<StoragePinService>()
                .VerifyAsync(orders[i].Serial, Pin, actor).GetAwaiter().GetResult();
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (result.Outcome != StoragePinOutcome.Ok)
            {
                Interlocked.Increment(ref failures);
            }
        }

        Verify(); // warm-up (JIT, model, connection)
        Verify();
        latencies.Clear();
        var (ops, seconds) = ServerSetup.TimedLoop(threads, ms, _ => Verify());
        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "pins",
            ["threads"] = threads,
            ["iterations"] = iterations,
            ["pinsInTable"] = history + orders.Count,
            ["ops"] = ops,
            ["seconds"] = ServerSetup.Round(seconds, 4),
            ["opsPerSecond"] = ServerSetup.Round(ops / seconds, 3),
            ["p50ms"] = ServerSetup.Round(IssueBench.Percentile(latencies.Order().ToArray(), 0.5), 1),
            ["maxms"] = ServerSetup.Round(latencies.DefaultIfEmpty().Max(), 1),
            ["failed"] = failures,
        });
        return failures == 0 ? 0 : 1;
    }

    public static int RunPbkdf2(Options o)
    {
        int threads = Math.Max(1, o.GetInt("threads", 1));
        int ms = Math.Max(1, o.GetInt("ms", 5000));
        int iterations = o.GetInt("iterations", StoragePinOptions.DefaultIterations);
        byte[] salt = StoragePinHasher.NewSalt();
        byte[] pin = Encoding.UTF8.GetBytes(Pin);
        _ = Rfc2898DeriveBytes.Pbkdf2(pin, salt, iterations, HashAlgorithmName.SHA256, StoragePinHasher.HashBytes);
        var (ops, seconds) = ServerSetup.TimedLoop(threads, ms, _ =>
            Rfc2898DeriveBytes.Pbkdf2(pin, salt, iterations, HashAlgorithmName.SHA256, StoragePinHasher.HashBytes));
        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "pbkdf2",
            ["threads"] = threads,
            ["iterations"] = iterations,
            ["ops"] = ops,
            ["seconds"] = ServerSetup.Round(seconds, 4),
            ["opsPerSecond"] = ServerSetup.Round(ops / seconds, 3),
        });
        return 0;
    }
}
