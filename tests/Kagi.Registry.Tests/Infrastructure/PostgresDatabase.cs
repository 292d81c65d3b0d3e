using Kagi.Registry.Data;
using Npgsql;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>A new PostgreSQL database on the test server (scripts/postgres-setup.sh), dropped at the end.</summary>
public sealed class PostgresDatabase : TestDatabase
{
    private string? name;

    public PostgresDatabase()
        : this(migrate: true)
    {
    }

    internal PostgresDatabase(bool migrate)
        : base(migrate)
    {
    }

    public override string Provider => KagiDatabase.Postgres;

    protected override async Task CreateAsync()
    {
        name = "kagi_t_" + Guid.NewGuid().ToString("N");
        await AdminAsync($"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0");
        ConnectionString = PostgresEnvironment.For(name);
    }

    protected override async Task DropAsync()
    {
        if (name is null)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        name = null;
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresEnvironment.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
