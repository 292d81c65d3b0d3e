using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Audit;

public abstract class AuditLogTests(TestDatabase database)
{
    private static readonly AuditActor Actor = new("山田", "admin-api");

    [Fact]
    public async Task Entries_form_a_verifiable_chain()
    {
        await using TestDatabase fresh = await database.CreateSiblingAsync();
        await using var r = fresh.Open();
        Assert.Equal(new AuditVerification(true, 0, null, null), await r.Audit.VerifyAsync());
        Assert.Null(await r.Audit.HeadAsync());

        AuditEntry first = await r.Audit.AppendAsync(Actor, "test.one", "user:E-1", new JsonObject { ["名前"] = "山田 太郎" });
        r.Time.Advance(TimeSpan.FromSeconds(1));
        AuditEntry second = await r.Audit.AppendAsync(Actor, "test.two", "user:E-1", null);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(AuditChain.Genesis, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal("{}", second.Details);
        Assert.Equal("{\"名前\":\"山田 太郎\"}", first.Details);
        Assert.Equal(new AuditHead(2, second.Hash), await r.Audit.HeadAsync());
        Assert.Equal(new AuditVerification(true, 2, null, null), await r.Audit.VerifyAsync());

        await using var db = fresh.NewContext();
        AuditEntry reread = await db.AuditEntries.SingleAsync(e => e.Sequence == 1);
        Assert.Equal(first.At, reread.At);
        Assert.Equal(reread.Hash, AuditChain.ComputeHash(AuditChain.Genesis, reread));
    }

    [Fact]
    public async Task An_edited_row_is_found()
    {
        await using TestDatabase fresh = await ChainAsync(5);
        await using var db = fresh.NewContext();
        await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET details = '{{\"n\":99}}' WHERE sequence = 3");

        Assert.Equal(new AuditVerification(false, 3, 3, AuditBreak.HashMismatch), await new AuditLog(db, TimeProvider.System).VerifyAsync());
    }

    [Fact]
    public async Task An_edited_row_with_a_recomputed_hash_breaks_the_next_link()
    {
        await using TestDatabase fresh = await ChainAsync(5);
        await using var db = fresh.NewContext();
        AuditEntry row = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 2);
        row.Actor = "someone-else";
        string forged = AuditChain.ComputeHash(row.PreviousHash, row);
        await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET actor = 'someone-else', hash = {forged} WHERE sequence = 2");

        Assert.Equal(new AuditVerification(false, 3, 3, AuditBreak.PreviousHashMismatch), await new AuditLog(db, TimeProvider.System).VerifyAsync());
    }

    [Fact]
    public async Task A_deleted_row_is_found()
    {
        await using TestDatabase fresh = await ChainAsync(5);
        await using var db = fresh.NewContext();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE sequence = 4");

        Assert.Equal(new AuditVerification(false, 4, 4, AuditBreak.Missing), await new AuditLog(db, TimeProvider.System).VerifyAsync());
    }

    [Fact]
    public async Task Reordered_rows_are_found()
    {
        await using TestDatabase fresh = await ChainAsync(5);
        await using var db = fresh.NewContext();
        await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET sequence = -1 WHERE sequence = 2");
        await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET sequence = 2 WHERE sequence = 3");
        await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET sequence = 3 WHERE sequence = -1");

        var result = await new AuditLog(db, TimeProvider.System).VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Concurrent_appenders_produce_one_gapless_chain()
    {
        await using TestDatabase fresh = await database.CreateSiblingAsync();
        int writer = 0;
        await Infrastructure.Parallel.RunAsync(20, async () =>
        {
            int i = Interlocked.Increment(ref writer);
            await using var r = fresh.Open();
            for (int j = 0; j < 5; j++)
            {
                await r.Audit.AppendAsync(Actor, "test.concurrent", $"writer:{i}", new JsonObject { ["j"] = j });
            }

            return i;
        });

        await using var db = fresh.NewContext();
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(new AuditVerification(true, 100, null, null), await new AuditLog(db, TimeProvider.System).VerifyAsync());
    }

    [Fact]
    public async Task Append_inside_the_callers_transaction_commits_or_rolls_back_with_it()
    {
        await using TestDatabase fresh = await database.CreateSiblingAsync();
        await using var r = fresh.Open();

        await using (var rolledBack = await KagiDatabase.BeginWriteTransactionAsync(r.Db))
        {
            r.Db.Nonces.Add(new Nonce { Value = "in-tx", Purpose = "p", ExpiresAt = r.Time.GetUtcNow() });
            await r.Audit.AppendAsync(Actor, "test.rolled-back", "x", null);
        }

        r.Db.ChangeTracker.Clear();
        Assert.Null(await r.Audit.HeadAsync());
        Assert.False(await r.Db.Nonces.AnyAsync(n => n.Value == "in-tx"));

        await using (var committed = await KagiDatabase.BeginWriteTransactionAsync(r.Db))
        {
            r.Db.Nonces.Add(new Nonce { Value = "in-tx", Purpose = "p", ExpiresAt = r.Time.GetUtcNow() });
            await r.Audit.AppendAsync(Actor, "test.committed", "x", null);
            await committed.CommitAsync();
        }

        Assert.Equal(1, (await r.Audit.HeadAsync())!.Sequence);
        Assert.True(await r.Db.Nonces.AnyAsync(n => n.Value == "in-tx"));
    }

    [Fact]
    public async Task Overlong_texts_are_refused()
    {
        await using var r = database.Open();
        await Assert.ThrowsAsync<ArgumentException>(() => r.Audit.AppendAsync(Actor, new string('a', 65), "x", null));
        await Assert.ThrowsAsync<ArgumentException>(() => r.Audit.AppendAsync(Actor, "a", "", null));
    }

    private async Task<TestDatabase> ChainAsync(int count)
    {
        TestDatabase fresh = await database.CreateSiblingAsync();
        await using var r = fresh.Open();
        for (int i = 1; i <= count; i++)
        {
            await r.Audit.AppendAsync(Actor, "test.entry", "n:" + i, new JsonObject { ["n"] = i });
            r.Time.Advance(TimeSpan.FromMilliseconds(1.5));
        }

        Assert.True((await r.Audit.VerifyAsync()).Intact);
        return fresh;
    }
}

public sealed class SqliteAuditLogTests(SqliteDatabase database) : AuditLogTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresAuditLogTests(PostgresDatabase database) : AuditLogTests(database), IClassFixture<PostgresDatabase>;
