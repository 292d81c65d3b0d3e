using System.Data.Common;
using System.Text.RegularExpressions;
using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>
/// The schema of a database as sorted text lines (tables, columns with type/nullability/identity, indexes with
/// their filters, keys and foreign keys), for comparing a migrated database with one created from the model.
/// </summary>
public static partial class SchemaDump
{
    public static async Task<IReadOnlyList<string>> ReadAsync(KagiDbContext db)
    {
        DbConnection connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            var lines = KagiDatabase.IsPostgres(db) ? await PostgresAsync(connection) : await SqliteAsync(connection);
            lines.Sort(StringComparer.Ordinal);
            return lines;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    public static async Task<List<string>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task<List<string>> SqliteAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = await QueryAsync(connection, "SELECT name || ' | ' || sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_EF%' ESCAPE '\\'");
        foreach (string row in tables)
        {
            string[] parts = row.Split(" | ", 2);
            string table = parts[0];
            lines.Add($"table {table} autoincrement={parts[1].Contains("AUTOINCREMENT", StringComparison.Ordinal)}");
            lines.AddRange((await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}')")).Select(c => $"column {table} {c}"));
            lines.AddRange((await QueryAsync(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL")).Select(i => "index " + Spaces().Replace(i, " ")));
            lines.AddRange((await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')")).Select(f => $"fk {table} {f}"));
        }

        return lines;
    }

    private static async Task<List<string>> PostgresAsync(DbConnection connection)
    {
        var lines = new List<string>();
        lines.AddRange((await QueryAsync(connection, """
            SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, is_identity, identity_generation, column_default
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
            """)).Select(c => "column " + c));
        lines.AddRange((await QueryAsync(connection, """
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
            """)).Select(i => "index " + i));
        lines.AddRange((await QueryAsync(connection, """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%\_\_EF%'
            """)).Select(k => "constraint " + k));
        return lines;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
