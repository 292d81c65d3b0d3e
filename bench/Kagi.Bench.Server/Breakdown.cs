using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Protocol;
using Kagi.Registry.Audit;
using Kagi.Registry.Authorities;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Tokens;
using Kagi.Server.Ca;
using Kagi.Server.Enrollment;
using Kagi.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Bench.Server;

/// <summary>
/// breakdown: where the time of one issuance goes, in-process (no HTTP), on a fresh data folder with SQLite.
/// <code>
///   kagi-bench-server breakdown --data DIR [--count N] [--warmup N] [--e2e-count N] [--concurrency "1 2 4 16"]
///                               [--busy-timeout-ms N]
/// </code>
/// Pass 1 (one request at a time): the steps of EnrollmentApi.RequestCertificate + IssuancePipeline.IssueAsync, done
/// one by one with the product's own methods (ticket check, FindByTokenAsync, CsrValidator.Validate, and the
/// pipeline's SubjectOf, CheckPolicyAsync, SignAsync, RecordOf, EnrollmentService.RecordIssuedBatchAsync as the
/// group-commit writer calls it for a batch of one, ResponseOf and the JSON response), each timed, with every SQL
/// command, BEGIN, COMMIT and connection open timed by EF Core interceptors. Pass 2: IssuancePipeline.IssueAsync itself (plus ticket
/// check, FindByTokenAsync and JSON), end to end, with 1..C concurrent callers: certificates/s without HTTP; with
/// --busy-timeout-ms, again with SQLite's busy handler set on every connection (a what-if, see BusyTimeout).
/// </summary>
internal static class Breakdown
{
    private static readonly JsonSerializerOptions WebJson = CreateJson();

    public static async Task<int> RunAsync(Options o)
    {
        int count = o.GetInt("count", 1000);
        int warmup = o.GetInt("warmup", 200);
        int e2eCount = o.GetInt("e2e-count", 1000);
        int[] concurrencies = o.Get("concurrency", "1 2 4 16").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        string data = o.Get("data");
        Directory.CreateDirectory(data);
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        var serverOptions = ServerSetup.ServerOptions(o);
        var (ca, _) = ServerSetup.LoadCa(serverOptions, secret);
        using CaService disposeCa = ca;
        var secrets = new SecretProtector(secret);
        TimeProvider time = TimeProvider.System;
        string connection = ServerSetup.SqliteConnection(data);

        var recorder = new StepRecorder();
        var builder = new DbContextOptionsBuilder<KagiDbContext>();
        KagiDatabase.Configure(builder, KagiDatabase.Sqlite, connection);
        builder.AddInterceptors(new CommandTiming(recorder), new TransactionTiming(recorder), new ConnectionTiming(recorder));
        DbContextOptions<KagiDbContext> dbOptions = builder.Options;

        // What-if (bench only, not what the server does): SQLite's own busy handler on every connection, so a writer
        // that finds the database locked waits inside sqlite3_step instead of Microsoft.Data.Sqlite's 150 ms sleeps.
        int busyTimeoutMs = o.GetInt("busy-timeout-ms", 0);
        var variants = new List<(string Name, DbContextOptions<KagiDbContext> Options)> { ("as is", dbOptions) };
        if (busyTimeoutMs > 0)
        {
            var busy = new DbContextOptionsBuilder<KagiDbContext>();
            KagiDatabase.Configure(busy, KagiDatabase.Sqlite, connection);
            busy.AddInterceptors(new BusyTimeout(busyTimeoutMs), new CommandTiming(recorder), new TransactionTiming(recorder));
            variants.Add(($"PRAGMA busy_timeout = {busyTimeoutMs}", busy.Options));
        }
        string sqlite;
        await using (var migrate = new KagiDbContext(dbOptions))
        {
            await KagiMigrations.MigrateAsync(migrate);
            await migrate.Database.OpenConnectionAsync();
            using var probe = migrate.Database.GetDbConnection().CreateCommand();
            probe.CommandText = "SELECT sqlite_version() || ', journal_mode=' || (SELECT journal_mode FROM pragma_journal_mode) || ', synchronous=' || (SELECT synchronous FROM pragma_synchronous);";
            sqlite = (string)(await probe.ExecuteScalarAsync())!;
        }

        int total = warmup + count + e2eCount * concurrencies.Length * variants.Count;
        List<PreparedOrder> orders = await Orders.CreateAsync(connection, total, serverOptions.Profile.CertificateIdPrefix, protector: null, pinIterations: 0);
        var csrs = new byte[total][];
        for (int i = 0; i < total; i++)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            csrs[i] = new CertificateRequest("CN=kagi bench " + i, key, HashAlgorithmName.SHA256).CreateSigningRequest();
        }

        string Ticket(PreparedOrder order) =>
            new EnrollmentTicket(order.Serial, order.AssignmentId, PinVerified: true, time.GetUtcNow().AddMinutes(30).ToUnixTimeSeconds()).Encode(secrets.TicketKey);
        var actor = new AuditActor("token:bench", "127.0.0.1");

        // Pass 1: step by step, one request at a time, each step the pipeline's own method. The record is written
        // with EnrollmentService.RecordIssuedBatchAsync on the step's context, as the group-commit writer writes a
        // batch of one (the pipeline's IssuanceRecorder, not started here, is not used).
        await using (ServiceProvider stepServices = WriterServices(dbOptions, time))
        {
            IssuanceRecorder notStarted = stepServices.GetRequiredService<IssuanceRecorder>();
            for (int i = 0; i < warmup + count; i++)
            {
                recorder.Enabled = i >= warmup;
                PreparedOrder order = orders[i];
                string ticketText = Ticket(order);
                byte[] csr = csrs[i];
                long t0 = Stopwatch.GetTimestamp();
                await using (var db = recorder.Step("context", () => new KagiDbContext(dbOptions)))
                {
                    var audit = new AuditLog(db, time);
                    var enrollment = new EnrollmentService(db, audit, new TokenStateMachine(db, audit, time), time);
                    var pipeline = new IssuancePipeline(ca, enrollment, notStarted, db, new IssuingAuthorityStore(db, audit, time), time);
                    EnrollmentTicket ticket = recorder.Step("1 ticket (HMAC, JSON)", () => EnrollmentTicket.Decode(ticketText, secrets.TicketKey, time.GetUtcNow()))!;
                    EnrollmentStatus status = (await recorder.StepAsync("2 FindByTokenAsync", () => enrollment.FindByTokenAsync(ticket.Serial)))!;
                    ValidatedCsr request = recorder.Step("3 CsrValidator.Validate", () => CsrValidator.Validate(csr, ca.KeyPolicy)).Csr!;
                    SubjectData subject = recorder.Step("4 SubjectOf (profile)", () => pipeline.SubjectOf(status));
                    string certificateId = status.Order!.CertificateId;
                    var policy = await recorder.StepAsync("5 CheckPolicyAsync (idempotency + key reuse + CA generation)", () =>
                        pipeline.CheckPolicyAsync(certificateId, request, CancellationToken.None));
                    if (policy.KeyCertified || policy.Existing is not null)
                    {
                        throw new InvalidOperationException($"order {order.Serial}: key certified before");
                    }

                    EncodedByCa issued = await recorder.StepAsync("6 SignAsync (refresh + CaService.IssueEncoded)", () =>
                        pipeline.SignAsync(request, subject, policy.Generation, CancellationToken.None));
                    IssuanceRecord record = recorder.Step("7 RecordOf", () => IssuancePipeline.RecordOf(certificateId, issued, request.Fingerprint, actor));
                    IReadOnlyList<OrderResult> recorded = await recorder.StepAsync("8 RecordIssuedBatchAsync (one record: tx + audit)", () =>
                        enrollment.RecordIssuedBatchAsync([record]));
                    if (recorded[0].Code != OrderCode.Done)
                    {
                        throw new InvalidOperationException($"order {order.Serial}: {recorded[0].Code}");
                    }

                    recorder.Step("9 response JSON", () => JsonSerializer.SerializeToUtf8Bytes(IssuancePipeline.ResponseOf(issued), WebJson));
                }

                recorder.Add("total (sum of the above)", Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }
        }

        var steps = recorder.Snapshot();
        recorder.Clear();

        // Pass 2: the pipeline end to end, without HTTP, at several concurrencies.
        var e2e = new List<Dictionary<string, object?>>();
        int next = warmup + count;
        foreach (var (variant, variantOptions) in variants)
        foreach (int c in concurrencies)
        {
            int first = next;
            next += e2eCount;
            var latencies = new double[e2eCount];
            await using ServiceProvider writerServices = WriterServices(variantOptions, time);
            IssuanceRecorder writer = writerServices.GetRequiredService<IssuanceRecorder>();
            await writer.StartAsync(CancellationToken.None);
            recorder.Enabled = true;
            long start = Stopwatch.GetTimestamp();
            await IssueBench.ForEachAsync(e2eCount, c, async k =>
            {
                PreparedOrder order = orders[first + k];
                long t0 = Stopwatch.GetTimestamp();
                await using var db = new KagiDbContext(variantOptions);
                var audit = new AuditLog(db, time);
                var enrollment = new EnrollmentService(db, audit, new TokenStateMachine(db, audit, time), time);
                EnrollmentTicket ticket = EnrollmentTicket.Decode(Ticket(order), secrets.TicketKey, time.GetUtcNow())!;
                EnrollmentStatus status = (await enrollment.FindByTokenAsync(ticket.Serial))!;
                var result = await new IssuancePipeline(ca, enrollment, writer, db, new IssuingAuthorityStore(db, audit, time), time).IssueAsync(status, csrs[first + k], actor, CancellationToken.None);
                if (result.Result is not Ok<IssuedCertificateResponse> ok)
                {
                    throw new InvalidOperationException($"order {order.Serial}: {result.Result}");
                }

                _ = JsonSerializer.SerializeToUtf8Bytes(ok.Value, WebJson);
                latencies[k] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            });
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            await writer.StopAsync(CancellationToken.None);
            var sql = recorder.Snapshot();
            recorder.Clear();
            Array.Sort(latencies);
            e2e.Add(new Dictionary<string, object?>
            {
                ["variant"] = variant,
                ["concurrency"] = c,
                ["opsPerSecond"] = ServerSetup.Round(e2eCount / seconds),
                ["p50ms"] = ServerSetup.Round(IssueBench.Percentile(latencies, 0.5)),
                ["p99ms"] = ServerSetup.Round(IssueBench.Percentile(latencies, 0.99)),
                ["over100ms"] = latencies.Count(v => v >= 100),
                ["slowSqlWaits"] = sql.Values.Sum(v => v.Slow),
                ["beginMeanUs"] = ServerSetup.Round(sql.Where(kv => kv.Key.EndsWith("BEGIN IMMEDIATE", StringComparison.Ordinal)).Select(kv => kv.Value.Micros / Math.Max(1, kv.Value.Count)).DefaultIfEmpty().Max(), 0),
            });
        }

        ServerSetup.Emit(new Dictionary<string, object?>
        {
            ["mode"] = "breakdown",
            ["count"] = count,
            ["sqlite"] = sqlite,
            ["steps"] = steps.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(
                kv => kv.Key,
                kv => new { perCert = ServerSetup.Round(kv.Value.Count / (double)count, 2), meanUs = ServerSetup.Round(kv.Value.Micros / kv.Value.Count, 1), usPerCert = ServerSetup.Round(kv.Value.Micros / count, 1) }),
            ["e2e"] = e2e,
        });
        return 0;
    }

    /// <summary>Sets PRAGMA busy_timeout on every connection the context opens.</summary>
    private sealed class BusyTimeout(int milliseconds) : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = FormattableString.Invariant($"PRAGMA busy_timeout = {milliseconds};");
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            var command = connection.CreateCommand();
            await using (command)
            {
                command.CommandText = FormattableString.Invariant($"PRAGMA busy_timeout = {milliseconds};");
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    // The server's group-commit writer of issued certificates, on contexts with the variant's options.
    private static ServiceProvider WriterServices(DbContextOptions<KagiDbContext> options, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(time);
        services.AddScoped(_ => new KagiDbContext(options));
        services.AddScoped<AuditLog>();
        services.AddScoped<TokenStateMachine>();
        services.AddScoped<EnrollmentService>();
        services.AddSingleton<IssuanceRecorder>();
        return services.BuildServiceProvider();
    }
}
