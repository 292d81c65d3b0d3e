using Kagi.Registry.Crl;
using Kagi.Registry.Tests.Infrastructure;

namespace Kagi.Registry.Tests.Crl;

public abstract class CrlNumberTests(TestDatabase database)
{
    [Fact]
    public async Task Numbers_count_up_per_issuer()
    {
        await using var db = database.NewContext();
        var crl = new CrlNumberService(db);
        string a = Seed.Unique("ca");
        string b = Seed.Unique("ca");
        var numbers = new List<long> { await crl.NextAsync(a), await crl.NextAsync(a), await crl.NextAsync(a) };
        Assert.Equal([1L, 2L, 3L], numbers);
        Assert.Equal(1, await crl.NextAsync(b));
    }

    [Fact]
    public async Task Concurrent_callers_never_get_the_same_number()
    {
        string issuer = Seed.Unique("ca");
        long[] numbers = await Infrastructure.Parallel.RunAsync(20, async () =>
        {
            await using var db = database.NewContext();
            return await new CrlNumberService(db).NextAsync(issuer);
        });
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), numbers.Order());
    }
}

public sealed class SqliteCrlNumberTests(SqliteDatabase database) : CrlNumberTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresCrlNumberTests(PostgresDatabase database) : CrlNumberTests(database), IClassFixture<PostgresDatabase>;
