using Npgsql;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>
/// The test PostgreSQL server: KAGI_TEST_POSTGRES from the environment, else from scripts/postgres.env (written by
/// scripts/postgres-setup.sh), found by walking up from the test binaries.
/// </summary>
public static class PostgresEnvironment
{
    private const string Variable = "KAGI_TEST_POSTGRES";

    private static readonly Lazy<string> Value = new(Read);

    /// <summary>The connection string of the maintenance database (kagi_test); its role may create databases.</summary>
    public static string AdminConnectionString => Value.Value;

    /// <summary>The connection string of <paramref name="database"/> on the same server, with a bounded pool.</summary>
    public static string For(string database) => new NpgsqlConnectionStringBuilder(AdminConnectionString)
    {
        Database = database,
        MaxPoolSize = 30,
        Timeout = 30,
        CommandTimeout = 60,
    }.ConnectionString;

    private static string Read()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "scripts", "postgres.env")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is null)
        {
            throw new InvalidOperationException("scripts/postgres.env not found: run scripts/postgres-setup.sh (or set KAGI_TEST_POSTGRES)");
        }

        string? line = File.ReadAllLines(Path.Combine(dir, "scripts", "postgres.env"))
            .FirstOrDefault(l => l.StartsWith(Variable + "=", StringComparison.Ordinal));
        return line?[(Variable.Length + 1)..]
            ?? throw new InvalidOperationException("scripts/postgres.env has no " + Variable + " line: run scripts/postgres-setup.sh");
    }
}
