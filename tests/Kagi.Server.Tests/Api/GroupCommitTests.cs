using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Entities;
using Kagi.Registry.Inventory;
using Kagi.Server.Ca;
using Kagi.Server.Enrollment;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The server's group-commit writer under real concurrency: many certificates handed in at once are written in
/// shared transactions, every order gets exactly one certificate even when several race for it, refused records
/// leave no trace, and the audit chain stays intact.
/// </summary>
public class GroupCommitTests
{
    private static readonly AuditActor Actor = new("test", "127.0.0.1");

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Concurrent_records_share_transactions_and_each_order_gets_exactly_one_certificate(string provider)
    {
        using ServerDatabase database = ServerDatabase.Create(provider);
        await using var server = new KagiServerFactory(database);
        _ = server.CreateClient(); // starts the host, and with it the recorder
        IMeterFactory meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        var batchSizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == IssuanceRecorder.BatchSizeInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => batchSizes.Add(value));
        listener.Start();

        const int orders = 24;
        string[] certificateIds = await SeedOrdersAsync(server, orders);
        IssuanceRecorder recorder = server.Services.GetRequiredService<IssuanceRecorder>();

        // Two different certificates race for every order, each issued and made a record as the issuance pipeline does.
        CaService ca = server.Services.GetRequiredService<CaService>();
        var records = new List<IssuanceRecord>();
        foreach (string id in certificateIds)
        {
            records.Add(NewRecord(ca, id));
            records.Add(NewRecord(ca, id));
        }

        Task<OrderResult>[] pending = records.Select(c => recorder.RecordAsync(c, CancellationToken.None)).ToArray();
        OrderResult[] results = await Task.WhenAll(pending);

        // Exactly one of the two records of each order was written.
        for (int i = 0; i < orders; i++)
        {
            OrderCode[] codes = [results[2 * i].Code, results[(2 * i) + 1].Code];
            Assert.Equal(1, codes.Count(c => c == OrderCode.Done));
            Assert.Contains(codes.Single(c => c != OrderCode.Done), new[] { OrderCode.WrongState, OrderCode.Conflict });
        }

        using (IServiceScope scope = server.Services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            string[] written = records.Where((_, k) => results[k].Code == OrderCode.Done).Select(c => c.Certificate.Serial).Order(StringComparer.Ordinal).ToArray();
            string[] stored = (await db.IssuedCertificates.Select(c => c.Serial).ToListAsync()).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(written, stored);
            foreach (string id in certificateIds)
            {
                EnrollmentOrder order = await db.EnrollmentOrders.SingleAsync(o => o.CertificateId == id);
                Assert.Equal(OrderState.Issued, order.State);
                Assert.Contains(order.CertificateSerial, written);
            }

            Assert.Equal(orders, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.CertificateIssued));
            Assert.True((await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyAsync()).Intact);
        }

        // The writer shared transactions (48 records handed in at once cannot all have gone one by one), and wrote
        // every record once.
        Assert.Contains(batchSizes, size => size > 1);
        Assert.Equal(records.Count, batchSizes.Sum());
    }

    private static async Task<string[]> SeedOrdersAsync(KagiServerFactory server, int count)
    {
        using IServiceScope scope = server.Services.CreateScope();
        InventoryService inventory = scope.ServiceProvider.GetRequiredService<InventoryService>();
        var ids = new string[count];
        for (int i = 0; i < count; i++)
        {
            string employee = $"G{i:D4}";
            string serial = $"GC-TOKEN-{i:D4}";
            Assert.Equal(RegistrationCode.Registered, (await inventory.RegisterUserAsync(new NewUser("SATO Hanako", null, $"h{i}@example.jp", "開発部", employee), Actor)).Code);
            Assert.Equal(RegistrationCode.Registered, (await inventory.RegisterTokenAsync(new NewToken(serial, "SafeNet", "eToken 5110"), Actor)).Code);
            AssignmentResult assigned = await inventory.AssignAsync(serial, employee, Actor);
            Assert.Equal(AssignmentCode.Assigned, assigned.Code);
            ids[i] = assigned.CertificateId!;
        }

        return ids;
    }

    private static IssuanceRecord NewRecord(CaService ca, string certificateId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = CsrValidator.Validate(new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequest(), ca.KeyPolicy).Csr!;
        EncodedByCa issued = ca.IssueEncoded(csr, new SubjectData("SATO Hanako", certificateId), DateTimeOffset.UtcNow);
        return IssuancePipeline.RecordOf(certificateId, issued, new string('c', 64), Actor);
    }
}
