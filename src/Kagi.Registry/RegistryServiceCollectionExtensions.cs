using Kagi.Registry.ApiKeys;
using Kagi.Registry.Audit;
using Kagi.Registry.Crl;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Inventory;
using Kagi.Registry.Nonces;
using Kagi.Registry.Pins;
using Kagi.Registry.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kagi.Registry;

/// <summary>Dependency injection for the registry: the context and every service, scoped (one set per request).</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KagiDbContext"/> on the given database and the services (AuditLog, TokenStateMachine,
    /// InventoryService, StoragePinService, NonceService, ApiKeyService, EnrollmentService, CrlNumberService, IssuingAuthorityStore) as scoped.
    /// <see cref="TimeProvider"/>, <see cref="StoragePinOptions"/> and <see cref="InventoryOptions"/> are added with
    /// defaults unless registered before (register yours first to change them).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="provider"><see cref="KagiDatabase.Sqlite"/> or <see cref="KagiDatabase.Postgres"/>.</param>
    /// <param name="connectionString">The connection string.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentException">The provider is unknown or the connection string empty.</exception>
    public static IServiceCollection AddKagiRegistry(this IServiceCollection services, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (KagiDatabase.Normalize(provider) is null)
        {
            throw new ArgumentException("Unknown database provider; use \"sqlite\" or \"postgres\".", nameof(provider));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Pooled: a request reuses a reset context instead of building one (and its services) from the options.
        services.AddDbContextPool<KagiDbContext>(o => KagiDatabase.Configure(o, provider, connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new StoragePinOptions());
        services.TryAddSingleton(new InventoryOptions());
        services.AddScoped<AuditLog>();
        services.AddScoped<TokenStateMachine>();
        services.AddScoped<InventoryService>();
        services.AddScoped<StoragePinService>();
        services.AddScoped(sp => new NonceService(sp.GetRequiredService<KagiDbContext>(), sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<ApiKeyService>();
        services.AddScoped<EnrollmentService>();
        services.AddScoped<CrlNumberService>();
        services.AddScoped<Authorities.IssuingAuthorityStore>();
        return services;
    }
}
