using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kagi.Registry.Data;

/// <summary>Provider selection, context creation and write transactions for <see cref="KagiDbContext"/>.</summary>
public static class KagiDatabase
{
    /// <summary>Provider name for SQLite (embedded, one server instance).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>Provider name for PostgreSQL (several server instances may share one database).</summary>
    public const string Postgres = "postgres";

    /// <summary>
    /// Points <paramref name="builder"/> at the database: <c>UseSqlite</c> (with WAL journaling and foreign keys on
    /// every connection) or <c>UseNpgsql</c>. <see cref="RelationalEventId.PendingModelChangesWarning"/> is ignored
    /// because the migrations are hand-written without a model snapshot; the tests compare the migrated schema
    /// with the model instead.
    /// </summary>
    /// <param name="builder">The options builder to configure.</param>
    /// <param name="provider"><see cref="Sqlite"/> or <see cref="Postgres"/> ("postgresql" is accepted too), any case.</param>
    /// <param name="connectionString">An ADO.NET connection string for that provider.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is not a known provider, or the connection string is empty.</exception>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        switch (Normalize(provider))
        {
            case Sqlite:
                builder.UseSqlite(connectionString).AddInterceptors(SqliteConnectionSetup.Instance);
                break;
            case Postgres:
                builder.UseNpgsql(connectionString);
                break;
            default:
                throw new ArgumentException("Unknown database provider; use \"sqlite\" or \"postgres\".", nameof(provider));
        }

        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        return builder;
    }

    /// <summary>Options for a <see cref="KagiDbContext"/>, see <see cref="Configure"/>.</summary>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Configure"/>.</exception>
    public static DbContextOptions<KagiDbContext> CreateOptions(string provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<KagiDbContext>();
        Configure(builder, provider, connectionString);
        return builder.Options;
    }

    /// <summary>A new context on the given database (the caller disposes it).</summary>
    /// <returns>The context.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Configure"/>.</exception>
    public static KagiDbContext CreateContext(string provider, string connectionString) =>
        new(CreateOptions(provider, connectionString));

    /// <summary>The canonical provider name for <paramref name="provider"/>.</summary>
    /// <returns><see cref="Sqlite"/>, <see cref="Postgres"/>, or null when unknown.</returns>
    public static string? Normalize(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => Sqlite,
        "POSTGRES" or "POSTGRESQL" or "NPGSQL" => Postgres,
        _ => null,
    };

    /// <summary>
    /// Begins a write transaction: on SQLite <c>BEGIN IMMEDIATE</c> (the write lock is taken at once, so a
    /// read-then-write inside the transaction never fails half-way with SQLITE_BUSY); on PostgreSQL an ordinary
    /// READ COMMITTED transaction.
    /// </summary>
    /// <param name="db">The context; it must not have a transaction yet.</param>
    /// <param name="cancellationToken">Cancels waiting for the database.</param>
    /// <returns>The transaction; commit it, or dispose it to roll back.</returns>
    /// <exception cref="InvalidOperationException">The context already has a transaction.</exception>
    public static Task<IDbContextTransaction> BeginWriteTransactionAsync(KagiDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);

        // Microsoft.Data.Sqlite begins IMMEDIATE transactions unless deferred is asked for (IsolationLevel.ReadUncommitted).
        return db.Database.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="db"/> runs on PostgreSQL.</summary>
    /// <returns>True for Npgsql.</returns>
    public static bool IsPostgres(KagiDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.IsNpgsql();
    }
}
