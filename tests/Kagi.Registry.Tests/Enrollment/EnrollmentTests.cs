using Kagi.Registry.Audit;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Entities;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Enrollment;

public abstract class EnrollmentTests(TestDatabase database)
{
    private static readonly string Csr = new('c', 64);

    [Fact]
    public async Task Issued_then_stored_activates_assignment_and_token()
    {
        await using var r = database.Open();
        var (serial, employeeId, assignment) = await Seed.AssignedAsync(r);
        string id = assignment.CertificateId!;
        byte[] certificate = Keys.NewCertificate(out byte[] spki);

        Assert.Equal(OrderCode.WrongState, (await r.Enrollment.MarkStoredAsync(id, Services.Operator)).Code);
        var issued = await r.Enrollment.RecordIssuedAsync(id, certificate, "ca-1", Csr, Services.Operator);
        Assert.Equal(new OrderResult(OrderCode.Done, OrderState.Issued), issued);
        Assert.True(await r.Enrollment.IsPublicKeyCertifiedAsync(spki));
        Assert.Equal(OrderCode.Done, (await r.Enrollment.MarkStoredAsync(id, Services.Operator)).Code);

        EnrollmentStatus status = (await r.Enrollment.FindByTokenAsync(serial))!;
        Assert.Equal(TokenState.Active, status.TokenState);
        Assert.Equal(employeeId, status.User!.EmployeeId);
        Assert.Equal(OrderState.Stored, status.Order!.State);
        Assert.Equal(Keys.SerialOf(certificate), status.Order.CertificateSerial);
        Assert.Equal(AssignmentState.Active, (await r.Db.Assignments.SingleAsync(a => a.Id == assignment.AssignmentId)).State);
        IssuedCertificate row = await r.Db.IssuedCertificates.SingleAsync(c => c.OrderId == assignment.OrderId);
        Assert.Equal(certificate, row.Der);
        Assert.Equal("ca-1", row.IssuerCaId);
        Assert.True(row.NotAfter > row.NotBefore);
        Assert.True(await r.Db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CertificateStored && e.Subject == "token:" + serial));
    }

    [Fact]
    public async Task A_public_key_is_never_certified_twice()
    {
        await using var r = database.Open();
        var (_, _, first) = await Seed.AssignedAsync(r);
        var (_, _, second) = await Seed.AssignedAsync(r);
        byte[] certificate = Keys.NewCertificate();
        Assert.Equal(OrderCode.Done, (await r.Enrollment.RecordIssuedAsync(first.CertificateId!, certificate, "ca-1", Csr, Services.Operator)).Code);

        var again = await r.Enrollment.RecordIssuedAsync(second.CertificateId!, certificate, "ca-1", Csr, Services.Operator);

        Assert.Equal(OrderCode.PublicKeyReused, again.Code);
        Assert.Equal(OrderState.Open, (await r.Db.EnrollmentOrders.SingleAsync(o => o.Id == second.OrderId)).State);
    }

    [Fact]
    public async Task Reopened_order_takes_a_new_certificate_and_reports_the_replaced_serial()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        string id = assignment.CertificateId!;
        byte[] first = Keys.NewCertificate();
        byte[] second = Keys.NewCertificate();
        await r.Enrollment.RecordIssuedAsync(id, first, "ca-1", Csr, Services.Operator);
        await r.Enrollment.MarkStoredAsync(id, Services.Operator);

        Assert.Equal(new OrderResult(OrderCode.Done, OrderState.Reopened), await r.Enrollment.ReopenAsync(id, Services.Operator));
        var reissued = await r.Enrollment.RecordIssuedAsync(id, second, "ca-1", Csr, Services.Operator);
        Assert.Equal(Keys.SerialOf(first), reissued.ReplacedSerial);
        Assert.Equal(OrderCode.Done, (await r.Enrollment.MarkStoredAsync(id, Services.Operator)).Code);
        Assert.Equal(TokenState.Active, (await r.Enrollment.FindByTokenAsync(serial))!.TokenState);
    }

    [Fact]
    public async Task Refusals_change_nothing()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        Assert.Equal(OrderCode.OrderNotFound, (await r.Enrollment.RecordIssuedAsync("FC0000", Keys.NewCertificate(), "ca-1", Csr, Services.Operator)).Code);
        Assert.Equal(OrderCode.InvalidCertificate, (await r.Enrollment.RecordIssuedAsync(assignment.CertificateId!, [1, 2], "ca-1", Csr, Services.Operator)).Code);
        Assert.Equal(OrderCode.WrongState, (await r.Enrollment.ReopenAsync(assignment.CertificateId!, Services.Operator)).Code);
        await r.Tokens.TransitionAsync(serial, TokenState.Lost, Services.Operator);
        Assert.Equal(OrderCode.WrongState, (await r.Enrollment.RecordIssuedAsync(assignment.CertificateId!, Keys.NewCertificate(), "ca-1", Csr, Services.Operator)).Code);
        Assert.Null((await r.Enrollment.FindByTokenAsync(serial))!.AssignmentId);
        Assert.Null(await r.Enrollment.FindByTokenAsync("NO-SUCH"));
    }
}

public sealed class SqliteEnrollmentTests(SqliteDatabase database) : EnrollmentTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresEnrollmentTests(PostgresDatabase database) : EnrollmentTests(database), IClassFixture<PostgresDatabase>;
