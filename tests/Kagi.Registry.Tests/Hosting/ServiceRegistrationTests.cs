using Kagi.Registry.ApiKeys;
using Kagi.Registry.Audit;
using Kagi.Registry.Crl;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Inventory;
using Kagi.Registry.Nonces;
using Kagi.Registry.Pins;
using Kagi.Registry.Tests.Infrastructure;
using Kagi.Registry.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Registry.Tests.Hosting;

public sealed class ServiceRegistrationTests(SqliteDatabase database) : IClassFixture<SqliteDatabase>
{
    [Fact]
    public async Task Every_service_resolves_per_scope_on_one_context_and_works()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new StoragePinOptions { Iterations = 1_000 });
        services.AddKagiRegistry("SQLite", database.ConnectionString);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await using var scope = provider.CreateAsyncScope();
        var sp = scope.ServiceProvider;

        Assert.Same(sp.GetRequiredService<KagiDbContext>(), sp.GetRequiredService<KagiDbContext>());
        foreach (Type type in new[] { typeof(AuditLog), typeof(TokenStateMachine), typeof(InventoryService), typeof(StoragePinService), typeof(NonceService), typeof(ApiKeyService), typeof(EnrollmentService), typeof(CrlNumberService) })
        {
            Assert.NotNull(sp.GetRequiredService(type));
        }

        var nonce = await sp.GetRequiredService<NonceService>().IssueAsync(NoncePurposes.TokenAuthentication);
        Assert.Equal(NonceOutcome.Consumed, await sp.GetRequiredService<NonceService>().ConsumeAsync(nonce.Value, NoncePurposes.TokenAuthentication));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddKagiRegistry("oracle", "x"));
    }
}
