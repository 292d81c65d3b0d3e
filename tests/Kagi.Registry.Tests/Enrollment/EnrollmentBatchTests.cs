using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Registry.Audit;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Entities;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Enrollment;

/// <summary>Group commit: several issued certificates recorded in one transaction, each with its own outcome.</summary>
public abstract class EnrollmentBatchTests(TestDatabase database)
{
    private static readonly string Csr = new('c', 64);

    [Fact]
    public async Task Each_record_of_a_batch_gets_the_outcome_it_would_have_alone_and_failures_leave_no_trace()
    {
        await using var r = database.Open();
        var (_, _, first) = await Seed.AssignedAsync(r);
        var (_, _, second) = await Seed.AssignedAsync(r);
        var (_, _, third) = await Seed.AssignedAsync(r);
        long auditBefore = await r.Db.AuditEntries.MaxAsync(e => (long?)e.Sequence) ?? 0;
        using X509Certificate2 a = X509CertificateLoader.LoadCertificate(Keys.NewCertificate());
        using X509Certificate2 b = X509CertificateLoader.LoadCertificate(Keys.NewCertificate());
        using X509Certificate2 c = X509CertificateLoader.LoadCertificate(Keys.NewCertificate());

        IssuanceRecord[] batch =
        [
            Record(first.CertificateId!, a),   // issued
            Record(first.CertificateId!, b),   // the same order again: already issued by the record before it
            Record(second.CertificateId!, a),  // a's key, certified by the first record: refused
            Record("FC-NO-SUCH-ORDER", c),     // unknown order
            Record(third.CertificateId!, c),   // issued
        ];
        IReadOnlyList<OrderResult> results = await r.Enrollment.RecordIssuedBatchAsync(batch);

        Assert.Equal(
            [OrderCode.Done, OrderCode.WrongState, OrderCode.PublicKeyReused, OrderCode.OrderNotFound, OrderCode.Done],
            results.Select(x => x.Code).ToArray());

        // Exactly the two successful records are in the registry, each with its audit entry, and the chain is intact.
        string[] serials = [a.SerialNumber, b.SerialNumber, c.SerialNumber];
        Assert.Equal(
            new[] { a.SerialNumber, c.SerialNumber }.Order(StringComparer.Ordinal),
            (await r.Db.IssuedCertificates.Where(x => serials.Contains(x.Serial)).Select(x => x.Serial).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(a.SerialNumber, (await r.Db.EnrollmentOrders.SingleAsync(o => o.Id == first.OrderId)).CertificateSerial);
        Assert.Equal(OrderState.Open, (await r.Db.EnrollmentOrders.SingleAsync(o => o.Id == second.OrderId)).State);
        Assert.Equal(c.SerialNumber, (await r.Db.EnrollmentOrders.SingleAsync(o => o.Id == third.OrderId)).CertificateSerial);
        Assert.Equal(auditBefore + 2, await r.Db.AuditEntries.MaxAsync(e => (long?)e.Sequence));
        Assert.Equal(2, await r.Db.AuditEntries.Where(e => e.Sequence > auditBefore).CountAsync(e => e.Action == AuditActions.CertificateIssued));
        Assert.True((await r.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task A_batch_of_one_is_the_single_record_path()
    {
        await using var r = database.Open();
        var (_, _, order) = await Seed.AssignedAsync(r);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Keys.NewCertificate());

        IReadOnlyList<OrderResult> results = await r.Enrollment.RecordIssuedBatchAsync([Record(order.CertificateId!, certificate)]);

        Assert.Equal(new OrderResult(OrderCode.Done, OrderState.Issued), Assert.Single(results));
        Assert.Equal(certificate.RawData, (await r.Db.IssuedCertificates.SingleAsync(x => x.OrderId == order.OrderId)).Der);
    }

    // The record as the issuance pipeline makes it (IssuancePipeline.RecordOf, from the certificate's encoding).
    private static IssuanceRecord Record(string certificateId, X509Certificate2 certificate) => new(
        certificateId,
        new IssuedCertificate
        {
            Serial = certificate.SerialNumber,
            IssuerCaId = "ca-1",
            SubjectPublicKeySha256 = SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()),
            Der = certificate.RawData,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
        },
        "ca-1",
        Csr,
        Services.Operator);
}

public sealed class SqliteEnrollmentBatchTests(SqliteDatabase database) : EnrollmentBatchTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresEnrollmentBatchTests(PostgresDatabase database) : EnrollmentBatchTests(database), IClassFixture<PostgresDatabase>;
