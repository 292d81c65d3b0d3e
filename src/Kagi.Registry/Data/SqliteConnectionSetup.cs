using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kagi.Registry.Data;

/// <summary>
/// Runs once on every physical SQLite connection EF Core opens (pooled handles keep their settings): WAL journaling (readers do not block the writer; persistent once
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

    // Physical connections (SQLite handles) already set up: Microsoft.Data.Sqlite pools them, and EF Core opens a
    // pooled connection for almost every query, so the PRAGMAs run once per handle rather than once per query.
    private readonly ConditionalWeakTable<object, object> _prepared = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsPrepared(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        MarkPrepared(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsPrepared(connection))
        {
            return;
        }

        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        MarkPrepared(connection);
    }

    // True when this physical connection ran the PRAGMAs before (on a reopened pooled handle).
    private bool IsPrepared(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && _prepared.TryGetValue(handle, out _);

    private void MarkPrepared(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            _prepared.AddOrUpdate(handle, handle);
        }
    }
}
