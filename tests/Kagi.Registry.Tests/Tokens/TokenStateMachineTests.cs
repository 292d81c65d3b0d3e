using Kagi.Registry.Audit;
using Kagi.Registry.Entities;
using Kagi.Registry.Inventory;
using Kagi.Registry.Tests.Infrastructure;
using Kagi.Registry.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Tokens;

public abstract class TokenStateMachineTests(TestDatabase database)
{
    public static TheoryData<TokenState, TokenState> EveryPair()
    {
        var data = new TheoryData<TokenState, TokenState>();
        foreach (TokenState from in Enum.GetValues<TokenState>())
        {
            foreach (TokenState to in Enum.GetValues<TokenState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task Operator_transition_follows_the_table_and_writes_audit_only_when_done(TokenState from, TokenState to)
    {
        await using var r = database.Open();
        string serial = await TokenInStateAsync(r, from);
        long auditBefore = await r.Db.AuditEntries.CountAsync();

        TransitionResult result = await r.Tokens.TransitionAsync(serial, to, Services.Operator, "test");

        TokenTransition? move = TokenTransitions.Find(from, to);
        TransitionCode expected = move is null ? TransitionCode.NotAllowed
            : move.WorkflowOnly ? TransitionCode.RequiresWorkflow
            : TransitionCode.Done;
        Assert.Equal(expected, result.Code);
        Assert.Equal(from, result.From);

        await using var check = database.NewContext();
        Token token = await check.Tokens.SingleAsync(t => t.Serial == serial);
        var entries = await check.AuditEntries.Where(e => e.Subject == "token:" + serial && e.Action == AuditActions.TokenStateChanged).ToListAsync();
        if (expected == TransitionCode.Done)
        {
            Assert.Equal(to, token.State);
            Assert.Equal(to, result.To);
            AuditEntry entry = Assert.Single(entries);
            Assert.Contains($"\"from\":\"{from}\"", entry.Details, StringComparison.Ordinal);
            Assert.Contains($"\"to\":\"{to}\"", entry.Details, StringComparison.Ordinal);
            Assert.Contains("\"reason\":\"test\"", entry.Details, StringComparison.Ordinal);
            Assert.Equal("operator-1", entry.Actor);
        }
        else
        {
            Assert.Equal(from, token.State);
            Assert.Empty(entries);
            Assert.Equal(auditBefore, await check.AuditEntries.CountAsync(e => e.Sequence <= auditBefore));
        }
    }

    [Fact]
    public void Table_has_the_documented_shape()
    {
        Assert.Equal(18, TokenTransitions.All.Count);
        Assert.NotNull(TokenTransitions.Find(TokenState.Active, TokenState.Suspended));
        Assert.NotNull(TokenTransitions.Find(TokenState.Suspended, TokenState.Active));
        Assert.NotNull(TokenTransitions.Find(TokenState.Terminated, TokenState.InStock));
        Assert.Null(TokenTransitions.Find(TokenState.Lost, TokenState.Active));
        Assert.Null(TokenTransitions.Find(TokenState.InStock, TokenState.Active));
        Assert.All(TokenTransitions.All, t => Assert.NotEqual(t.From, t.To));
        Assert.Equal(TokenTransitions.All.Count, TokenTransitions.All.Select(t => (t.From, t.To)).Distinct().Count());
    }

    [Fact]
    public async Task Unknown_token_is_reported_and_nothing_is_written()
    {
        await using var r = database.Open();
        long before = await r.Db.AuditEntries.CountAsync();
        var result = await r.Tokens.TransitionAsync("NO-SUCH-TOKEN", TokenState.Lost, Services.Operator);
        Assert.Equal(TransitionCode.TokenNotFound, result.Code);
        Assert.Equal(before, await r.Db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Lost_token_ends_the_assignment_cancels_the_order_and_supersedes_the_pin_so_the_user_can_get_another()
    {
        await using var r = database.Open();
        var (serial, employeeId, assignment) = await Seed.AssignedAsync(r);
        var pin = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);
        await ForceStateAsync(r, serial, TokenState.Active);

        var result = await r.Tokens.TransitionAsync(serial, TokenState.Lost, Services.Operator);

        Assert.Equal(TransitionCode.Done, result.Code);
        Assert.Equal(assignment.AssignmentId, result.EndedAssignmentId);
        await using var check = database.NewContext();
        Assignment ended = await check.Assignments.SingleAsync(a => a.Id == assignment.AssignmentId);
        Assert.Equal(AssignmentState.Ended, ended.State);
        Assert.Equal(r.Time.GetUtcNow(), ended.EndedAt);
        Assert.Equal(OrderState.Cancelled, (await check.EnrollmentOrders.SingleAsync(o => o.AssignmentId == ended.Id)).State);
        Assert.Equal(StoragePinState.Superseded, (await check.StoragePins.SingleAsync(p => p.Id == pin.PinId)).State);

        string other = await Seed.TokenAsync(r);
        Assert.Equal(AssignmentCode.Assigned, (await r.Inventory.AssignAsync(other, employeeId, Services.Operator)).Code);
    }

    [Fact]
    public async Task Terminated_goes_back_to_stock_with_distribution_data_cleared_and_can_be_assigned_again()
    {
        await using var r = database.Open();
        var (serial, _, _) = await Seed.AssignedAsync(r);
        var distributed = await r.Inventory.RecordDistributionAsync(serial, Keys.NewSpki(), [1, 2, 3], [4, 5, 6], Services.Operator);
        Assert.Equal(DistributionCode.Recorded, distributed.Code);

        Assert.Equal(TransitionCode.Done, (await r.Tokens.TransitionAsync(serial, TokenState.Terminated, Services.Operator)).Code);
        Assert.Equal(TransitionCode.Done, (await r.Tokens.TransitionAsync(serial, TokenState.InStock, Services.Operator)).Code);

        await using var check = database.NewContext();
        Token token = await check.Tokens.SingleAsync(t => t.Serial == serial);
        Assert.Equal(TokenState.InStock, token.State);
        Assert.Null(token.DistributionPublicKey);
        Assert.Null(token.DistributedAt);
        Assert.Null(token.EncryptedTransportPin);
        Assert.Equal([1, 2, 3], token.EncryptedSoPin);
        string user = await Seed.UserAsync(r);
        Assert.Equal(AssignmentCode.Assigned, (await r.Inventory.AssignAsync(serial, user, Services.Operator)).Code);
    }

    [Fact]
    public async Task Terminated_with_an_open_assignment_does_not_go_back_to_stock()
    {
        await using var r = database.Open();
        var (serial, _, _) = await Seed.AssignedAsync(r);
        await ForceStateAsync(r, serial, TokenState.Terminated);

        var result = await r.Tokens.TransitionAsync(serial, TokenState.InStock, Services.Operator);

        Assert.Equal(TransitionCode.AssignmentOpen, result.Code);
        await using var check = database.NewContext();
        Assert.Equal(TokenState.Terminated, (await check.Tokens.SingleAsync(t => t.Serial == serial)).State);
    }

    [Fact]
    public async Task Suspend_and_resume_keep_the_assignment_and_report_the_certificates()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        byte[] certificate = Keys.NewCertificate();
        Assert.Equal(Kagi.Registry.Enrollment.OrderCode.Done, (await r.Enrollment.RecordIssuedAsync(assignment.CertificateId!, certificate, "ca-1", new string('a', 64), Services.Operator)).Code);
        Assert.Equal(Kagi.Registry.Enrollment.OrderCode.Done, (await r.Enrollment.MarkStoredAsync(assignment.CertificateId!, Services.Operator)).Code);

        var suspended = await r.Tokens.TransitionAsync(serial, TokenState.Suspended, Services.Operator);
        var resumed = await r.Tokens.TransitionAsync(serial, TokenState.Active, Services.Operator);

        Assert.Equal(TransitionCode.Done, suspended.Code);
        Assert.Null(suspended.EndedAssignmentId);
        Assert.Equal([Keys.SerialOf(certificate)], suspended.UnrevokedCertificates);
        Assert.Equal(TransitionCode.Done, resumed.Code);
        Assert.Empty(resumed.UnrevokedCertificates);
        await using var check = database.NewContext();
        Assert.Equal(AssignmentState.Active, (await check.Assignments.SingleAsync(a => a.Id == assignment.AssignmentId)).State);
    }

    [Fact]
    public async Task A_failing_audit_append_rolls_the_state_change_back()
    {
        await using var r = database.Open();
        var (serial, _, _) = await Seed.AssignedAsync(r);
        var tooLong = new AuditActor(new string('x', 201), "test");

        await Assert.ThrowsAsync<ArgumentException>(() => r.Tokens.TransitionAsync(serial, TokenState.Lost, tooLong));

        await using var check = database.NewContext();
        Assert.Equal(TokenState.Assigned, (await check.Tokens.SingleAsync(t => t.Serial == serial)).State);
        Assert.True(await check.Assignments.AnyAsync(a => a.EndedAt == null && check.Tokens.Any(t => t.Id == a.TokenId && t.Serial == serial)));
    }

    [Fact]
    public async Task Row_version_refuses_a_stale_update()
    {
        await using var r = database.Open();
        string serial = await Seed.TokenAsync(r);
        await using var stale = database.NewContext();
        Token old = await stale.Tokens.SingleAsync(t => t.Serial == serial);

        Assert.Equal(TransitionCode.Done, (await r.Tokens.TransitionAsync(serial, TokenState.Damaged, Services.Operator)).Code);

        old.Model = "changed";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
    }

    private static async Task<string> TokenInStateAsync(Services r, TokenState state)
    {
        if (state is TokenState.Assigned or TokenState.Active or TokenState.Suspended)
        {
            var (serial, _, _) = await Seed.AssignedAsync(r);
            await ForceStateAsync(r, serial, state);
            return serial;
        }

        string stock = await Seed.TokenAsync(r);
        await ForceStateAsync(r, stock, state);
        return stock;
    }

    // Test set-up only: puts a token into a state directly, bypassing the state machine.
    private static Task<int> ForceStateAsync(Services r, string serial, TokenState state) =>
        r.Db.Tokens.Where(t => t.Serial == serial).ExecuteUpdateAsync(s => s.SetProperty(t => t.State, state));
}

public sealed class SqliteTokenStateMachineTests(SqliteDatabase database) : TokenStateMachineTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTokenStateMachineTests(PostgresDatabase database) : TokenStateMachineTests(database), IClassFixture<PostgresDatabase>;
