using Npgsql;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>A database for one test: a SQLite file, or a fresh PostgreSQL database (dropped on dispose).</summary>
public sealed class ServerDatabase : IDisposable
{
    private readonly string? _adminConnection;
    private readonly string? _name;

    private ServerDatabase(string provider, string connectionString, string? adminConnection = null, string? name = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _adminConnection = adminConnection;
        _name = name;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public static ServerDatabase Create(string provider)
    {
        if (provider == "sqlite")
        {
            string file = Path.Combine(Directory.CreateTempSubdirectory("kagi-db-").FullName, "kagi.db");
            return new ServerDatabase("sqlite", $"Data Source={file}");
        }

        string admin = PostgresConnection();
        string name = "kagi_server_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }

        return new ServerDatabase("postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, admin, name);
    }

    private static string PostgresConnection()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("KAGI_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "scripts", "postgres.env")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        string line = File.ReadAllLines(Path.Combine(dir ?? throw new InvalidOperationException("scripts/postgres.env not found: run scripts/setup-system.sh"), "scripts", "postgres.env"))
            .First(l => l.StartsWith("KAGI_TEST_POSTGRES=", StringComparison.Ordinal));
        return line["KAGI_TEST_POSTGRES=".Length..];
    }

    public void Dispose()
    {
        if (_adminConnection is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_adminConnection);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
