using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using System.Data.Common;
using Npgsql;

namespace Kagi.Registry.Data;

/// <summary>
/// Applies the migrations safely when several server instances start at once. Call this, not
/// <c>Database.Migrate()</c>: on PostgreSQL, EF Core 10 with Npgsql 10 runs each migration in its own transaction
/// and takes its <c>LOCK TABLE "__EFMigrationsHistory"</c> again per migration without re-reading the history, so
/// two instances that both see two or more pending migrations apply the later ones twice (and one fails with
/// 42P07 "already exists"). Here a session-level advisory lock is held on the migrating connection for the
/// whole run, so the second instance starts only after the first has finished and then finds nothing to do.
/// On SQLite, EF Core's own lock (the __EFMigrationsLock table, held for the whole run) is enough.
/// </summary>
public static class KagiMigrations
{
    /// <summary>The PostgreSQL advisory lock key that serializes migrations ("KAGIMIGR").</summary>
    public const long PostgresLockKey = 0x4B4147494D494752;

    /// <summary>Creates the database if needed and migrates it to <paramref name="targetMigration"/> (default: the latest).</summary>
    /// <param name="db">A context on the database.</param>
    /// <param name="targetMigration">A migration id to move to (up or down), or null for the latest.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and the migration (a migration in progress rolls back).</param>
    /// <returns>A task that completes when the database is at the target.</returns>
    /// <exception cref="DbException">The database refused a migration or the lock.</exception>
    public static async Task MigrateAsync(KagiDbContext db, string? targetMigration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        IMigrator migrator = db.GetService<IMigrator>();
        if (!KagiDatabase.IsPostgres(db))
        {
            // Two processes creating the same new SQLite file at once can see it briefly as read-only or busy while
            // the other sets it up; migrating is idempotent (the history table says what is applied), so try again.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await migrator.MigrateAsync(targetMigration, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode is 5 or 6 or 8 && attempt < 10)
                {
                    await db.Database.CloseConnectionAsync().ConfigureAwait(false);
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    await Task.Delay(50 * attempt, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await CreateDatabaseIfMissingAsync(db, cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({PostgresLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await migrator.MigrateAsync(targetMigration, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Synchronous <see cref="MigrateAsync"/>, for start-up code that cannot await.</summary>
    /// <param name="db">A context on the database.</param>
    /// <param name="targetMigration">A migration id to move to, or null for the latest.</param>
    /// <exception cref="DbException">The database refused a migration or the lock.</exception>
    public static void Migrate(KagiDbContext db, string? targetMigration = null) =>
        MigrateAsync(db, targetMigration).GetAwaiter().GetResult();

    private static async Task CreateDatabaseIfMissingAsync(KagiDbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it first.
        }
    }
}
