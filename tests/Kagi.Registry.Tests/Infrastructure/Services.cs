using Kagi.Registry.ApiKeys;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Inventory;
using Kagi.Registry.Nonces;
using Kagi.Registry.Pins;
using Kagi.Registry.Tokens;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>Every registry service on one context, as a server request would have them.</summary>
public sealed class Services : IAsyncDisposable
{
    public static readonly AuditActor Operator = new("operator-1", "test");

    public Services(KagiDbContext db, ManualTimeProvider time, StoragePinOptions? pinOptions)
    {
        Db = db;
        Time = time;
        Audit = new AuditLog(db, time);
        Tokens = new TokenStateMachine(db, Audit, time);
        Inventory = new InventoryService(db, Audit, Tokens, time);
        Pins = new StoragePinService(db, Audit, time, pinOptions ?? new StoragePinOptions { Iterations = 1_000 });
        Nonces = new NonceService(db, time);
        ApiKeys = new ApiKeyService(db, Audit, time);
        Enrollment = new EnrollmentService(db, Audit, Tokens, time);
    }

    public KagiDbContext Db { get; }

    public ManualTimeProvider Time { get; }

    public AuditLog Audit { get; }

    public TokenStateMachine Tokens { get; }

    public InventoryService Inventory { get; }

    public StoragePinService Pins { get; }

    public NonceService Nonces { get; }

    public ApiKeyService ApiKeys { get; }

    public EnrollmentService Enrollment { get; }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
