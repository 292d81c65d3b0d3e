using Kagi.Registry.Audit;
using Kagi.Registry.Entities;
using Kagi.Registry.Pins;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Pins;

public abstract class StoragePinTests(TestDatabase database)
{
    private static readonly AuditActor Client = new("token-client", "enrollment-api");

    [Fact]
    public void Generated_pins_use_only_the_unambiguous_alphabet()
    {
        Assert.Equal(56, StoragePinGenerator.Alphabet.Length);
        Assert.Equal(56, StoragePinGenerator.Alphabet.Distinct().Count());
        Assert.DoesNotContain(StoragePinGenerator.Alphabet, c => "0Oo1lI".Contains(c));
        Assert.All(StoragePinGenerator.Alphabet, c => Assert.True(char.IsAsciiLetterOrDigit(c)));
        var pins = Enumerable.Range(0, 500).Select(_ => StoragePinGenerator.Generate(10)).ToList();
        Assert.All(pins, p => Assert.Equal(10, p.Length));
        Assert.All(pins, p => Assert.All(p, c => Assert.Contains(c, StoragePinGenerator.Alphabet)));
        Assert.Equal(pins.Count, pins.Distinct().Count());
        Assert.Equal(StoragePinGenerator.Alphabet.Length, pins.SelectMany(p => p).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => StoragePinGenerator.Generate(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StoragePinOptions { Length = 7 }.Validate());
    }

    [Fact]
    public void Defaults_are_owasp_iterations_14_days_and_5_attempts()
    {
        var options = new StoragePinOptions();
        Assert.Equal(210_000, options.Iterations);
        Assert.Equal(TimeSpan.FromDays(14), options.Validity);
        Assert.Equal(5, options.MaxAttempts);
        Assert.True(options.Length >= 8);
    }

    [Fact]
    public async Task Issue_stores_only_salt_and_hash_and_the_right_pin_verifies_once()
    {
        await using var r = database.Open(pinOptions: new StoragePinOptions());
        var (serial, _, assignment) = await Seed.AssignedAsync(r);

        StoragePinIssue issue = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);

        Assert.Equal(StoragePinIssueCode.Issued, issue.Code);
        Assert.Equal(r.Time.GetUtcNow().AddDays(14), issue.ExpiresAt);
        Assert.DoesNotContain(issue.Pin!, issue.ToString(), StringComparison.Ordinal);
        StoragePin stored = await r.Db.StoragePins.AsNoTracking().SingleAsync(p => p.Id == issue.PinId);
        Assert.Equal(16, stored.Salt.Length);
        Assert.Equal(32, stored.Hash.Length);
        Assert.Equal(210_000, stored.Iterations);
        Assert.Equal(StoragePinHasher.Hash(issue.Pin!, stored.Salt, 210_000), stored.Hash);

        var first = await r.Pins.VerifyAsync(serial, " " + issue.Pin + " ", Client);
        var second = await r.Pins.VerifyAsync(serial, issue.Pin!, Client);

        Assert.Equal(StoragePinOutcome.Ok, first.Outcome);
        Assert.Equal(assignment.AssignmentId, first.AssignmentId);
        Assert.Equal(StoragePinOutcome.AlreadyUsed, second.Outcome);
        StoragePin used = await r.Db.StoragePins.AsNoTracking().SingleAsync(p => p.Id == issue.PinId);
        Assert.Equal(StoragePinState.Used, used.State);
        Assert.Equal(r.Time.GetUtcNow(), used.UsedAt);
        Assert.True(await r.Db.AuditEntries.AnyAsync(e => e.Action == AuditActions.StoragePinVerified && e.Subject == "token:" + serial));
    }

    [Fact]
    public async Task Wrong_pins_count_down_then_lock_even_the_right_pin_until_reissued()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        var issue = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);

        var attempts = new List<StoragePinVerification>();
        for (int i = 0; i < 5; i++)
        {
            attempts.Add(await r.Pins.VerifyAsync(serial, "WRONGPIN2" + i, Client));
        }

        Assert.All(attempts, a => Assert.Equal(StoragePinOutcome.Wrong, a.Outcome));
        Assert.Equal([4, 3, 2, 1, 0], attempts.Select(a => a.AttemptsLeft));
        Assert.Equal(StoragePinOutcome.Locked, (await r.Pins.VerifyAsync(serial, issue.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinState.Locked, (await r.Db.StoragePins.AsNoTracking().SingleAsync(p => p.Id == issue.PinId)).State);
        Assert.Equal(5, await r.Db.AuditEntries.CountAsync(e => e.Action == AuditActions.StoragePinWrong && e.Subject == "token:" + serial));

        var reissued = await r.Pins.IssueAsync(assignment.AssignmentId.Value, Services.Operator);
        Assert.Equal(StoragePinOutcome.Ok, (await r.Pins.VerifyAsync(serial, reissued.Pin!, Client)).Outcome);
    }

    [Fact]
    public async Task Pin_expires_after_its_validity()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        var issue = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);

        r.Time.Advance(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1));
        Assert.Equal(StoragePinOutcome.Wrong, (await r.Pins.VerifyAsync(serial, "NOTTHEPIN", Client)).Outcome);
        r.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StoragePinOutcome.Expired, (await r.Pins.VerifyAsync(serial, issue.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinOutcome.Expired, (await r.Pins.VerifyAsync(serial, "NOTTHEPIN", Client)).Outcome);
        Assert.Equal(1, (await r.Db.StoragePins.AsNoTracking().SingleAsync(p => p.Id == issue.PinId)).FailedAttempts);
    }

    [Fact]
    public async Task Reissue_supersedes_the_previous_pin()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        var old = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);
        var fresh = await r.Pins.IssueAsync(assignment.AssignmentId.Value, Services.Operator);

        Assert.NotEqual(old.Pin, fresh.Pin);
        Assert.Equal(StoragePinState.Superseded, (await r.Db.StoragePins.AsNoTracking().SingleAsync(p => p.Id == old.PinId)).State);
        Assert.Equal(StoragePinOutcome.Wrong, (await r.Pins.VerifyAsync(serial, old.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinOutcome.Ok, (await r.Pins.VerifyAsync(serial, fresh.Pin!, Client)).Outcome);
    }

    [Fact]
    public async Task Verification_is_bound_to_the_token_serial()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        var (otherSerial, _, otherAssignment) = await Seed.AssignedAsync(r);
        string stockSerial = await Seed.TokenAsync(r);
        var pin = await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator);
        await r.Pins.IssueAsync(otherAssignment.AssignmentId!.Value, Services.Operator);

        Assert.Equal(StoragePinOutcome.Wrong, (await r.Pins.VerifyAsync(otherSerial, pin.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinOutcome.NotFound, (await r.Pins.VerifyAsync(stockSerial, pin.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinOutcome.NotFound, (await r.Pins.VerifyAsync("NO-SUCH-TOKEN", pin.Pin!, Client)).Outcome);
        Assert.Equal(StoragePinOutcome.Ok, (await r.Pins.VerifyAsync(serial, pin.Pin!, Client)).Outcome);
    }

    [Fact]
    public async Task Issue_refuses_unknown_and_ended_assignments()
    {
        await using var r = database.Open();
        var (serial, _, assignment) = await Seed.AssignedAsync(r);
        Assert.Equal(StoragePinIssueCode.AssignmentNotFound, (await r.Pins.IssueAsync(long.MaxValue, Services.Operator)).Code);
        await r.Tokens.TransitionAsync(serial, TokenState.Terminated, Services.Operator);
        Assert.Equal(StoragePinIssueCode.AssignmentEnded, (await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator)).Code);
    }

    [Fact]
    public async Task Fifty_parallel_verifications_of_the_right_pin_give_exactly_one_ok()
    {
        string serial;
        string pin;
        await using (var r = database.Open())
        {
            var (s, _, assignment) = await Seed.AssignedAsync(r);
            serial = s;
            pin = (await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator)).Pin!;
        }

        var outcomes = await RunParallelAsync(50, r => r.Pins.VerifyAsync(serial, pin, Client));

        Assert.Single(outcomes, o => o.Outcome == StoragePinOutcome.Ok);
        Assert.All(outcomes.Where(o => o.Outcome != StoragePinOutcome.Ok), o => Assert.Equal(StoragePinOutcome.AlreadyUsed, o.Outcome));
        await using var check = database.NewContext();
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == AuditActions.StoragePinVerified && e.Subject == "token:" + serial));
    }

    [Fact]
    public async Task Fifty_parallel_wrong_attempts_are_all_counted_and_lock_at_exactly_the_maximum()
    {
        string serial;
        long pinId;
        await using (var r = database.Open())
        {
            var (s, _, assignment) = await Seed.AssignedAsync(r);
            serial = s;
            pinId = (await r.Pins.IssueAsync(assignment.AssignmentId!.Value, Services.Operator)).PinId!.Value;
        }

        var outcomes = await RunParallelAsync(50, r => r.Pins.VerifyAsync(serial, "WRONGPIN22", Client));

        Assert.Equal(5, outcomes.Count(o => o.Outcome == StoragePinOutcome.Wrong));
        Assert.Equal([0, 1, 2, 3, 4], outcomes.Where(o => o.Outcome == StoragePinOutcome.Wrong).Select(o => o.AttemptsLeft).Order());
        Assert.All(outcomes.Where(o => o.Outcome != StoragePinOutcome.Wrong), o => Assert.Equal(StoragePinOutcome.Locked, o.Outcome));
        await using var check = database.NewContext();
        StoragePin stored = await check.StoragePins.SingleAsync(p => p.Id == pinId);
        Assert.Equal(5, stored.FailedAttempts);
        Assert.Equal(StoragePinState.Locked, stored.State);
    }

    // Each task has its own context and connection, as separate requests (or server instances) would.
    private async Task<StoragePinVerification[]> RunParallelAsync(int count, Func<Services, Task<StoragePinVerification>> verify)
    {
        return await Infrastructure.Parallel.RunAsync(count, async () =>
        {
            await using var r = database.Open(pinOptions: new StoragePinOptions { Iterations = 20_000 });
            return await verify(r);
        });
    }
}

public sealed class SqliteStoragePinTests(SqliteDatabase database) : StoragePinTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresStoragePinTests(PostgresDatabase database) : StoragePinTests(database), IClassFixture<PostgresDatabase>;
