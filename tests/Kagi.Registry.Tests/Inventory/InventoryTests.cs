using Kagi.Registry.Audit;
using Kagi.Registry.Entities;
using Kagi.Registry.Inventory;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Inventory;

public abstract class InventoryTests(TestDatabase database)
{
    [Fact]
    public async Task Registration_validates_trims_and_refuses_duplicates()
    {
        await using var r = database.Open();
        string id = Seed.Unique("E");

        var ok = await r.Inventory.RegisterUserAsync(new NewUser("  ŌNO Ken ", "大野 健", "ken@example.jp", null, id), Services.Operator);
        var dup = await r.Inventory.RegisterUserAsync(new NewUser("Other", null, "other@example.jp", null, id), Services.Operator);
        var bad = await r.Inventory.RegisterUserAsync(new NewUser("", null, "x@", null, new string('9', 65)), Services.Operator);

        Assert.Equal(RegistrationCode.Registered, ok.Code);
        Assert.Equal("ŌNO Ken", (await r.Db.Users.SingleAsync(u => u.Id == ok.Id)).RomanizedName);
        Assert.Equal(RegistrationCode.Duplicate, dup.Code);
        Assert.Equal([new InputError(Fields.EmployeeId, InputErrorCode.AlreadyRegistered)], dup.Errors);
        Assert.Equal(RegistrationCode.Invalid, bad.Code);
        Assert.Equal(
            [
                new InputError(Fields.RomanizedName, InputErrorCode.Required),
                new InputError(Fields.EmployeeId, InputErrorCode.TooLong),
                new InputError(Fields.Email, InputErrorCode.InvalidEmail),
            ],
            bad.Errors);
        Assert.True(await r.Db.AuditEntries.AnyAsync(e => e.Action == AuditActions.UserRegistered && e.Subject == "user:" + id));
    }

    [Fact]
    public async Task Assignment_creates_an_open_order_with_a_certificate_id_and_moves_the_token()
    {
        await using var r = database.Open();
        var (serial, employeeId, result) = await Seed.AssignedAsync(r);

        Assert.Matches("^FC[0-9A-F]{16}$", result.CertificateId);
        Assert.Equal(TokenState.Assigned, result.TokenState);
        Token token = await r.Db.Tokens.SingleAsync(t => t.Serial == serial);
        Assert.Equal(TokenState.Assigned, token.State);
        Assignment assignment = await r.Db.Assignments.SingleAsync(a => a.Id == result.AssignmentId);
        Assert.Equal(AssignmentState.Assigned, assignment.State);
        Assert.Null(assignment.EndedAt);
        EnrollmentOrder order = await r.Db.EnrollmentOrders.SingleAsync(o => o.Id == result.OrderId);
        Assert.Equal(OrderState.Open, order.State);
        Assert.Equal(result.CertificateId, order.CertificateId);
        AuditEntry entry = await r.Db.AuditEntries.SingleAsync(e => e.Action == AuditActions.TokenAssigned && e.Subject == "token:" + serial);
        Assert.Contains(employeeId, entry.Details, StringComparison.Ordinal);
        Assert.Contains("\"to\":\"Assigned\"", entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assignment_refusals_change_nothing()
    {
        await using var r = database.Open();
        var (serial, employeeId, _) = await Seed.AssignedAsync(r);
        string freeToken = await Seed.TokenAsync(r);
        string freeUser = await Seed.UserAsync(r);

        Assert.Equal(AssignmentCode.TokenNotFound, (await r.Inventory.AssignAsync("NOPE", freeUser, Services.Operator)).Code);
        Assert.Equal(AssignmentCode.UserNotFound, (await r.Inventory.AssignAsync(freeToken, "NOPE", Services.Operator)).Code);
        var notInStock = await r.Inventory.AssignAsync(serial, freeUser, Services.Operator);
        Assert.Equal(AssignmentCode.TokenNotInStock, notInStock.Code);
        Assert.Equal(TokenState.Assigned, notInStock.TokenState);
        Assert.Equal(AssignmentCode.UserHasOpenAssignment, (await r.Inventory.AssignAsync(freeToken, employeeId, Services.Operator)).Code);
        Assert.Equal(TokenState.InStock, (await r.Db.Tokens.SingleAsync(t => t.Serial == freeToken)).State);
    }

    [Fact]
    public async Task Concurrent_assignments_of_one_token_give_it_to_exactly_one_user()
    {
        string serial;
        var users = new List<string>();
        await using (var r = database.Open())
        {
            serial = await Seed.TokenAsync(r);
            for (int i = 0; i < 8; i++)
            {
                users.Add(await Seed.UserAsync(r));
            }
        }

        int next = -1;
        var results = await Infrastructure.Parallel.RunAsync(users.Count, async () =>
        {
            string user = users[Interlocked.Increment(ref next)];
            await using var r = database.Open();
            return await r.Inventory.AssignAsync(serial, user, Services.Operator);
        });

        Assert.Single(results, a => a.Code == AssignmentCode.Assigned);
        Assert.All(results.Where(a => a.Code != AssignmentCode.Assigned), a => Assert.Contains(a.Code, new[] { AssignmentCode.TokenNotInStock, AssignmentCode.Conflict }));
        await using var check = database.NewContext();
        Assert.Equal(1, await check.Assignments.CountAsync(a => check.Tokens.Any(t => t.Id == a.TokenId && t.Serial == serial)));
    }

    [Fact]
    public async Task Distribution_stores_the_key_of_an_assigned_token_and_refuses_garbage_and_active_tokens()
    {
        await using var r = database.Open();
        var (serial, _, _) = await Seed.AssignedAsync(r);
        byte[] spki = Keys.NewSpki();

        Assert.Equal(DistributionCode.InvalidPublicKey, (await r.Inventory.RecordDistributionAsync(serial, [1, 2, 3], null, null, Services.Operator)).Code);
        Assert.Equal(DistributionCode.TokenNotFound, (await r.Inventory.RecordDistributionAsync("NOPE", spki, null, null, Services.Operator)).Code);
        Assert.Equal(DistributionCode.Recorded, (await r.Inventory.RecordDistributionAsync(serial, spki, [9], [8], Services.Operator)).Code);

        Token token = await r.Db.Tokens.AsNoTracking().SingleAsync(t => t.Serial == serial);
        Assert.Equal(spki, token.DistributionPublicKey);
        Assert.Equal(r.Time.GetUtcNow(), token.DistributedAt);
        Assert.Equal([9], token.EncryptedSoPin);
        Assert.Equal([8], token.EncryptedTransportPin);

        await r.Db.Tokens.Where(t => t.Serial == serial).ExecuteUpdateAsync(s => s.SetProperty(t => t.State, TokenState.Active));
        var active = await r.Inventory.RecordDistributionAsync(serial, Keys.NewSpki(), null, null, Services.Operator);
        Assert.Equal(DistributionCode.WrongState, active.Code);
        Assert.Equal(spki, (await r.Db.Tokens.AsNoTracking().SingleAsync(t => t.Serial == serial)).DistributionPublicKey);
    }

    [Fact]
    public async Task Registering_and_distributing_an_unknown_token_is_one_transaction_that_a_refused_distribution_undoes()
    {
        await using var r = database.Open();
        string serial = Seed.Unique("T");
        int auditBefore = await r.Db.AuditEntries.CountAsync();

        // The second part (the distribution) fails: the registration of the first part is not kept either.
        var refused = await r.Inventory.RegisterAndRecordDistributionAsync(new NewToken(serial, "Maker", "Model"), [1, 2, 3], [9], [8], Services.Operator);
        Assert.Equal(DistributionCode.InvalidPublicKey, refused.Code);
        Assert.False(await r.Db.Tokens.AnyAsync(t => t.Serial == serial));
        Assert.Equal(auditBefore, await r.Db.AuditEntries.CountAsync());

        // Cancelled after the registration was written (the distribution's save is cancelled): nothing is kept.
        using (var cancelled = new CancellationTokenSource())
        {
            r.Db.SavingChanges += Cancel;
            try
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    r.Inventory.RegisterAndRecordDistributionAsync(new NewToken(serial, "Maker", "Model"), Keys.NewSpki(), null, null, Services.Operator, cancelled.Token));
            }
            finally
            {
                r.Db.SavingChanges -= Cancel;
            }

            void Cancel(object? sender, Microsoft.EntityFrameworkCore.SavingChangesEventArgs e)
            {
                // The first save is the registration; the second (the distribution) is cancelled before it runs.
                if (r.Db.ChangeTracker.Entries<Token>().Any(t => t.State == EntityState.Modified))
                {
                    cancelled.Cancel();
                }
            }
        }

        await using (var check = database.NewContext())
        {
            Assert.False(await check.Tokens.AnyAsync(t => t.Serial == serial));
            Assert.Equal(auditBefore, await check.AuditEntries.CountAsync());
        }

        // Invalid registration data: refused with the fields, nothing written.
        var invalid = await r.Inventory.RegisterAndRecordDistributionAsync(new NewToken(serial, "", "Model"), Keys.NewSpki(), null, null, Services.Operator);
        Assert.Equal(DistributionCode.InvalidToken, invalid.Code);
        Assert.Equal([new InputError(Fields.Manufacturer, InputErrorCode.Required)], invalid.Errors);

        // Success: the token is registered and distributed, with both audit entries.
        byte[] spki = Keys.NewSpki();
        var done = await r.Inventory.RegisterAndRecordDistributionAsync(new NewToken(serial, "Maker", "Model"), spki, [9], [8], Services.Operator);
        Assert.Equal(DistributionCode.Recorded, done.Code);
        Token token = await r.Db.Tokens.AsNoTracking().SingleAsync(t => t.Serial == serial);
        Assert.Equal(spki, token.DistributionPublicKey);
        Assert.Equal(TokenState.InStock, token.State);
        Assert.Equal(
            [AuditActions.TokenRegistered, AuditActions.TokenDistributed],
            await r.Db.AuditEntries.AsNoTracking().Where(e => e.Subject == "token:" + serial).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

        // A known token is distributed again without being registered twice.
        var again = await r.Inventory.RegisterAndRecordDistributionAsync(new NewToken(serial, "Other", "Other"), Keys.NewSpki(), null, null, Services.Operator);
        Assert.Equal(DistributionCode.Recorded, again.Code);
        Assert.Equal("Maker", (await r.Db.Tokens.AsNoTracking().SingleAsync(t => t.Serial == serial)).Manufacturer);
    }

    [Fact]
    public async Task Certificate_id_prefix_is_configurable_and_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InventoryOptions { CertificateIdPrefix = "fc" }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new InventoryOptions { CertificateIdPrefix = "TOOLONGPREFIX" }.Validate());
        await using var db = database.NewContext();
        var time = new ManualTimeProvider();
        var audit = new AuditLog(db, time);
        var inventory = new InventoryService(db, audit, new Kagi.Registry.Tokens.TokenStateMachine(db, audit, time), time, new InventoryOptions { CertificateIdPrefix = "KG" });
        string serial = Seed.Unique("T");
        string employee = Seed.Unique("E");
        await inventory.RegisterTokenAsync(new NewToken(serial, "M", "N"), Services.Operator);
        await inventory.RegisterUserAsync(new NewUser("A B", null, "a@example.jp", null, employee), Services.Operator);
        Assert.StartsWith("KG", (await inventory.AssignAsync(serial, employee, Services.Operator)).CertificateId, StringComparison.Ordinal);
    }
}

public sealed class SqliteInventoryTests(SqliteDatabase database) : InventoryTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresInventoryTests(PostgresDatabase database) : InventoryTests(database), IClassFixture<PostgresDatabase>;
