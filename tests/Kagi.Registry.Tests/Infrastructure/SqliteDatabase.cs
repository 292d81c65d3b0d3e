using Kagi.Registry.Data;
using Microsoft.Data.Sqlite;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>A SQLite database in a temporary file (connection pooling off, so the file can be deleted at the end).</summary>
public sealed class SqliteDatabase : TestDatabase
{
    private string? directory;

    public SqliteDatabase()
        : this(migrate: true)
    {
    }

    internal SqliteDatabase(bool migrate)
        : base(migrate)
    {
    }

    public override string Provider => KagiDatabase.Sqlite;

    protected override Task CreateAsync()
    {
        directory = Directory.CreateTempSubdirectory("kagi-registry-").FullName;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "kagi.db"),
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString();
        return Task.CompletedTask;
    }

    protected override Task DropAsync()
    {
        if (directory is not null && Directory.Exists(directory))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
