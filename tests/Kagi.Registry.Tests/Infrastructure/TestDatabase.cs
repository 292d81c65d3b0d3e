using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>
/// A real, empty database for one test class (as an xunit class fixture) or one test (<see cref="CreateSiblingAsync"/>):
/// a temporary SQLite file, or a new PostgreSQL database that is dropped at the end. Migrated unless asked not to.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime, IAsyncDisposable
{
    private readonly bool migrate;

    protected TestDatabase(bool migrate) => this.migrate = migrate;

    public abstract string Provider { get; }

    public string ConnectionString { get; protected set; } = string.Empty;

    public KagiDbContext NewContext() => KagiDatabase.CreateContext(Provider, ConnectionString);

    /// <summary>A services bundle on a new context.</summary>
    public Services Open(ManualTimeProvider? time = null, Kagi.Registry.Pins.StoragePinOptions? pinOptions = null) =>
        new(NewContext(), time ?? new ManualTimeProvider(), pinOptions);

    /// <summary>Another database of the same kind for a single test; dispose it at the end.</summary>
    public async Task<TestDatabase> CreateSiblingAsync(bool migrate = true)
    {
        TestDatabase db = Provider == KagiDatabase.Sqlite ? new SqliteDatabase(migrate) : new PostgresDatabase(migrate);
        await db.InitializeAsync();
        return db;
    }

    public async Task InitializeAsync()
    {
        await CreateAsync();
        if (migrate)
        {
            await using var db = NewContext();
            await KagiMigrations.MigrateAsync(db);
        }
    }

    public Task DisposeAsync() => DropAsync();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DropAsync();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Provider;

    protected abstract Task CreateAsync();

    protected abstract Task DropAsync();
}
