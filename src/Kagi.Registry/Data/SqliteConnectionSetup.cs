using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kagi.Registry.Data;

/// <summary>
/// Runs on every SQLite connection EF Core opens: WAL journaling (readers do not block the writer; persistent once
/// set), foreign key enforcement (per connection in SQLite) and SQLite's own busy handler (per connection): a writer
/// that finds the database locked by another writer waits inside SQLite, retrying within a millisecond or so, for up
/// to <see cref="BusyTimeoutMilliseconds"/>, instead of getting SQLITE_BUSY at once and sleeping 150 ms in
/// Microsoft.Data.Sqlite's retry loop (which still applies after the busy timeout, up to the command timeout).
/// </summary>
internal sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    /// <summary>How long SQLite itself retries a locked database before reporting SQLITE_BUSY.</summary>
    internal const int BusyTimeoutMilliseconds = 5000;

    private static readonly string Pragmas = FormattableString.Invariant(
        $"PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");

    public static readonly SqliteConnectionSetup Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
