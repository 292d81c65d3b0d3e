using System.Security.Cryptography;
using System.Text;
using Kagi.Registry;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Import;
using Kagi.Registry.Inventory;
using Kagi.Registry.Pins;
using Kagi.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Bench.Server;

/// <summary>One enrollment order prepared by the operator steps: user, distributed token, assignment, storage PIN.</summary>
internal sealed record PreparedOrder(string Serial, string EmployeeId, string CertificateId, long AssignmentId, ECDsa? DistributionKey, string? StoragePin);

/// <summary>
/// The operator steps, done directly through the Kagi.Registry services on the server's database (what the operator
/// API endpoints call): CSV import of users and tokens, distribution (software P-256 distribution key, SO and transport
/// PINs encrypted with the server secret), assignment (opens the order), storage PIN issue.
/// </summary>
internal static class Orders
{
    public const string Manufacturer = "Kagi Bench";
    public const string Model = "Software P-256";

    public static readonly AuditActor Operator = new("operator:bench", "127.0.0.1");

    /// <param name="connection">SQLite connection string of the server's database.</param>
    /// <param name="count">Orders to create.</param>
    /// <param name="prefix">Kagi:Profile:CertificateIdPrefix of the server.</param>
    /// <param name="protector">The server's secret protector; null: no distribution (no distribution key, no PINs).</param>
    /// <param name="pinIterations">PBKDF2 iterations of the storage PINs issued here; 0: no storage PIN.</param>
    public static async Task<List<PreparedOrder>> CreateAsync(string connection, int count, string prefix, SecretProtector? protector, int pinIterations)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new StoragePinOptions { Iterations = Math.Max(pinIterations, 1000) });
        services.AddSingleton(new InventoryOptions { CertificateIdPrefix = prefix });
        services.AddKagiRegistry(KagiDatabase.Sqlite, connection);
        await using ServiceProvider provider = services.BuildServiceProvider();
        await using AsyncServiceScope scope = provider.CreateAsyncScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();

        // Set-up only: this connection (not the server's) skips fsync, so preparing thousands of orders is quick.
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = OFF;");
        InventoryService inventory = scope.ServiceProvider.GetRequiredService<InventoryService>();
        StoragePinService pins = scope.ServiceProvider.GetRequiredService<StoragePinService>();

        string run = ServerSetup.Hex(4);
        var users = new StringBuilder("employee_id,romanized_name,email\n");
        var tokens = new StringBuilder("serial,manufacturer,model\n");
        for (int i = 0; i < count; i++)
        {
            users.Append(FormattableString.Invariant($"E{run}{i:D6},Bench User {Letters(i)},e{run}{i}@bench.example\n"));
            tokens.Append(FormattableString.Invariant($"B{run}{i:D6},{Manufacturer},{Model}\n"));
        }

        ImportResult importedUsers = await inventory.ImportUsersAsync(ServerSetup.Csv(users), Operator);
        ImportResult importedTokens = await inventory.ImportTokensAsync(ServerSetup.Csv(tokens), Operator);
        if (importedUsers.Errors.Count > 0 || importedTokens.Errors.Count > 0)
        {
            throw new InvalidOperationException($"CSV import failed: {importedUsers.Errors.Count + importedTokens.Errors.Count} errors");
        }

        var orders = new List<PreparedOrder>(count);
        for (int i = 0; i < count; i++)
        {
            string serial = FormattableString.Invariant($"B{run}{i:D6}");
            string employee = FormattableString.Invariant($"E{run}{i:D6}");
            ECDsa? key = null;
            if (protector is not null)
            {
                key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                DistributionResult distributed = await inventory.RecordDistributionAsync(
                    serial, key.ExportSubjectPublicKeyInfo(),
                    protector.Protect(Encoding.UTF8.GetBytes("so-" + ServerSetup.Hex(6)), SecretPurposes.SoPin),
                    protector.Protect(Encoding.UTF8.GetBytes("tp-" + ServerSetup.Hex(6)), SecretPurposes.TransportPin),
                    Operator);
                if (distributed.Code != DistributionCode.Recorded)
                {
                    throw new InvalidOperationException($"distribution of {serial} failed: {distributed.Code}");
                }
            }

            AssignmentResult assigned = await inventory.AssignAsync(serial, employee, Operator);
            if (assigned.Code != AssignmentCode.Assigned)
            {
                throw new InvalidOperationException($"assignment of {serial} failed: {assigned.Code}");
            }

            string? pin = null;
            if (pinIterations > 0)
            {
                StoragePinIssue issued = await pins.IssueAsync(assigned.AssignmentId!.Value, Operator);
                pin = issued.Code == StoragePinIssueCode.Issued ? issued.Pin : throw new InvalidOperationException($"storage PIN for {serial}: {issued.Code}");
            }

            orders.Add(new PreparedOrder(serial, employee, assigned.CertificateId!, assigned.AssignmentId!.Value, key, pin));
        }

        return orders;
    }

    /// <summary><paramref name="i"/> in letters (a, b, ..., z, ba, ...): person names may not contain digits (InputRules).</summary>
    private static string Letters(int i)
    {
        var s = new StringBuilder();
        do
        {
            s.Insert(0, (char)('a' + (i % 26)));
            i /= 26;
        }
        while (i > 0);
        return s.ToString();
    }
}
