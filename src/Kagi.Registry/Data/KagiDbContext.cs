using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Data;

/// <summary>
/// The registration database. The provider (SQLite or PostgreSQL) is chosen by the options, see
/// <see cref="KagiDatabase.Configure"/>. The schema is created and upgraded only by the hand-written migrations in
/// <c>Migrations/</c>, applied with <see cref="KagiMigrations.MigrateAsync"/> (safe with several instances); never by
/// <c>EnsureCreated</c> outside tests.
/// </summary>
public sealed class KagiDbContext(DbContextOptions<KagiDbContext> options) : DbContext(options)
{
    /// <summary>Users.</summary>
    public DbSet<User> Users => Set<User>();

    /// <summary>Tokens.</summary>
    public DbSet<Token> Tokens => Set<Token>();

    /// <summary>Token-to-user assignments.</summary>
    public DbSet<Assignment> Assignments => Set<Assignment>();

    /// <summary>Enrollment orders.</summary>
    public DbSet<EnrollmentOrder> EnrollmentOrders => Set<EnrollmentOrder>();

    /// <summary>Issued certificates.</summary>
    public DbSet<IssuedCertificate> IssuedCertificates => Set<IssuedCertificate>();

    /// <summary>Storage PINs (hashes).</summary>
    public DbSet<StoragePin> StoragePins => Set<StoragePin>();

    /// <summary>Single-use nonces.</summary>
    public DbSet<Nonce> Nonces => Set<Nonce>();

    /// <summary>The audit log; append only through <see cref="Audit.AuditLog"/>.</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>API keys (hashes).</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>CRL numbers per issuing CA.</summary>
    public DbSet<CrlState> CrlStates => Set<CrlState>();

    /// <summary>The issuing CAs (CA rollover).</summary>
    public DbSet<IssuingAuthority> IssuingAuthorities => Set<IssuingAuthority>();

    /// <summary>Saves changes; bumps <see cref="Token.RowVersion"/> of every modified token first.</summary>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="DbUpdateConcurrencyException">A token was changed by someone else since it was read.</exception>
    /// <exception cref="DbUpdateException">A constraint (unique index, foreign key) was violated.</exception>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpRowVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>Saves changes; bumps <see cref="Token.RowVersion"/> of every modified token first.</summary>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="DbUpdateConcurrencyException">A token was changed by someone else since it was read.</exception>
    /// <exception cref="DbUpdateException">A constraint (unique index, foreign key) was violated.</exception>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpRowVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
        configurationBuilder.Properties<TokenState>().HaveConversion<string>().HaveMaxLength(Limits.EnumName);
        configurationBuilder.Properties<AssignmentState>().HaveConversion<string>().HaveMaxLength(Limits.EnumName);
        configurationBuilder.Properties<OrderState>().HaveConversion<string>().HaveMaxLength(Limits.EnumName);
        configurationBuilder.Properties<StoragePinState>().HaveConversion<string>().HaveMaxLength(Limits.EnumName);
        configurationBuilder.Properties<RevocationReason>().HaveConversion<int>();
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(KagiDbContext).Assembly);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase.Of(property.Name));
            }
        }
    }

    private void BumpRowVersions()
    {
        foreach (var entry in ChangeTracker.Entries<Token>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.RowVersion++;
            }
        }
    }
}
