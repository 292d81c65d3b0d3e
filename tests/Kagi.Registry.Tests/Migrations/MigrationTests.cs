using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Migrations;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Migrations;

public abstract class MigrationTests(TestDatabase database)
{
    [Fact]
    public async Task Migrations_list_is_initial_schema_then_revocation_indexes_then_issuing_authorities()
    {
        await using var db = database.NewContext();
        Assert.Equal([InitialSchema.Id, CertificateRevocationIndexes.Id, IssuingAuthorities.Id], db.Database.GetMigrations());
        Assert.Equal([InitialSchema.Id, CertificateRevocationIndexes.Id, IssuingAuthorities.Id], await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Migrated_schema_equals_the_schema_EF_Core_creates_from_the_model()
    {
        // No model snapshot exists (hand-written migrations): this comparison is what keeps migrations and model in step.
        await using TestDatabase fromModel = await database.CreateSiblingAsync(migrate: false);
        await using (var db = fromModel.NewContext())
        {
            Assert.True(await db.Database.EnsureCreatedAsync());
        }

        await using var migrated = database.NewContext();
        await using var created = fromModel.NewContext();
        IReadOnlyList<string> expected = await SchemaDump.ReadAsync(created);
        IReadOnlyList<string> actual = await SchemaDump.ReadAsync(migrated);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Upgrading_a_database_at_migration_1_keeps_its_data()
    {
        await using TestDatabase old = await database.CreateSiblingAsync(migrate: false);
        await using (var db = old.NewContext())
        {
            await KagiMigrations.MigrateAsync(db, InitialSchema.Id);
            Assert.Equal([InitialSchema.Id], await db.Database.GetAppliedMigrationsAsync());
            Assert.DoesNotContain("ix_nonces_expires_at", await IndexNamesAsync(db));

            // Rows written by a server that ran migration 1 only: plain SQL against the old schema.
            long t = UnixMicroseconds.From(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
            string sql = $"""
                INSERT INTO users (romanized_name, kanji_name, email, organization, employee_id, created_at)
                VALUES ('SATO Hanako', '佐藤 花子', 'hanako@example.jp', '経理部', 'E-OLD-1', {t});
                INSERT INTO tokens (serial, manufacturer, model, state, distribution_public_key, created_at, state_changed_at, row_version)
                VALUES ('OLD-TOKEN-1', 'Feitian', 'ePass2003', 'Assigned', NULL, {t}, {t}, 0);
                INSERT INTO assignments (token_id, user_id, state, created_at)
                VALUES ((SELECT id FROM tokens WHERE serial = 'OLD-TOKEN-1'), (SELECT id FROM users WHERE employee_id = 'E-OLD-1'), 'Assigned', {t});
                INSERT INTO nonces (value, purpose, token_serial, created_at, expires_at) VALUES ('n1', 'token-authentication', 'OLD-TOKEN-1', {t}, {t + 300_000_000});
                """;
            await db.Database.ExecuteSqlRawAsync(sql);
        }

        await using (var db = old.NewContext())
        {
            await KagiMigrations.MigrateAsync(db);
            Assert.Equal([InitialSchema.Id, CertificateRevocationIndexes.Id, IssuingAuthorities.Id], await db.Database.GetAppliedMigrationsAsync());
            Assert.Contains("ix_nonces_expires_at", await IndexNamesAsync(db));
            Assert.Contains("ix_issued_certificates_issuer_revoked", await IndexNamesAsync(db));
            Assert.Contains("ux_issuing_authorities_generation", await IndexNamesAsync(db));

            User user = await db.Users.SingleAsync(u => u.EmployeeId == "E-OLD-1");
            Assert.Equal("佐藤 花子", user.KanjiName);
            Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), user.CreatedAt);
            Token token = await db.Tokens.SingleAsync(t => t.Serial == "OLD-TOKEN-1");
            Assert.Equal(TokenState.Assigned, token.State);
            Assert.True(await db.Assignments.AnyAsync(a => a.TokenId == token.Id && a.UserId == user.Id && a.EndedAt == null));
            Assert.Equal(1, await db.Nonces.CountAsync(n => n.ExpiresAt > user.CreatedAt));
        }
    }

    [Fact]
    public async Task Migrating_down_to_migration_1_removes_only_the_second_migrations_indexes()
    {
        await using TestDatabase db2 = await database.CreateSiblingAsync();
        await using var db = db2.NewContext();
        await KagiMigrations.MigrateAsync(db, InitialSchema.Id);
        var names = await IndexNamesAsync(db);
        Assert.DoesNotContain("ix_nonces_expires_at", names);
        Assert.DoesNotContain("ix_issued_certificates_issuer_revoked", names);
        Assert.DoesNotContain("ux_issuing_authorities_generation", names);
        Assert.Contains("ux_assignments_open_token", names);
        Assert.Equal([InitialSchema.Id], await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Two_instances_migrating_the_same_empty_database_at_once_both_succeed()
    {
        // Without KagiMigrations' advisory lock, EF Core 10 + Npgsql 10 fail here on PostgreSQL (42P07: the second
        // migration is applied twice), because the history is not re-read when the per-migration lock is taken again.
        for (int round = 0; round < 5; round++)
        {
            await using TestDatabase empty = await database.CreateSiblingAsync(migrate: false);
            await using var a = empty.NewContext();
            await using var b = empty.NewContext();
            using var start = new Barrier(2);
            Task Run(KagiDbContext db) => Task.Run(async () =>
            {
                start.SignalAndWait();
                await KagiMigrations.MigrateAsync(db);
            });

            await Task.WhenAll(Run(a), Run(b));

            await using var check = empty.NewContext();
            Assert.Equal([InitialSchema.Id, CertificateRevocationIndexes.Id, IssuingAuthorities.Id], await check.Database.GetAppliedMigrationsAsync());
            Assert.Empty(await check.Database.GetPendingMigrationsAsync());
        }
    }

    [Fact]
    public async Task Migrate_on_an_up_to_date_database_changes_nothing()
    {
        await using var db = database.NewContext();
        var before = await SchemaDump.ReadAsync(db);
        await KagiMigrations.MigrateAsync(db);
        await db.Database.MigrateAsync();
        Assert.Equal(before, await SchemaDump.ReadAsync(db));
    }

    private static async Task<List<string>> IndexNamesAsync(KagiDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        bool close = connection.State != System.Data.ConnectionState.Open;
        if (close)
        {
            await connection.OpenAsync();
        }

        try
        {
            return await SchemaDump.QueryAsync(connection, KagiDatabase.IsPostgres(db)
                ? "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                : "SELECT name FROM sqlite_master WHERE type = 'index'");
        }
        finally
        {
            if (close)
            {
                await connection.CloseAsync();
            }
        }
    }
}

public sealed class SqliteMigrationTests(SqliteDatabase database) : MigrationTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresMigrationTests(PostgresDatabase database) : MigrationTests(database), IClassFixture<PostgresDatabase>;
