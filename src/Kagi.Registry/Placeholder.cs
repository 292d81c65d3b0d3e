namespace Kagi.Registry;

/// <summary>Temporary smoke check of the SQLite provider.</summary>
public static class SqliteSmoke
{
    /// <summary>Runs SELECT sqlite_version().</summary>
    public static string Version()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "select sqlite_version()";
        return (string)cmd.ExecuteScalar()!;
    }
}
