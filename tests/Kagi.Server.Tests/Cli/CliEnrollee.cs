using System.Text.Json;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Tests.Api;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// A user with a token ready for <c>kagi enroll</c>, prepared through the real CLI against the real server (HTTPS):
/// the operator registers the user, distributes a fresh SoftHSM2 token (its own token directory), assigns it and
/// mails the storage PIN. Runs <c>kagi enroll</c> unattended and checks the end state from outside.
/// </summary>
internal sealed class CliEnrollee : IAsyncDisposable
{
    public const string NewPin = "q8w3e5r1";

    private CliEnrollee(ServerDatabase database, RealServer server, KagiRunner kagi, string serial, string storagePin)
    {
        Database = database;
        Server = server;
        Kagi = kagi;
        Serial = serial;
        StoragePin = storagePin;
    }

    public ServerDatabase Database { get; }

    public RealServer Server { get; }

    public KagiRunner Kagi { get; }

    public string Serial { get; }

    public string StoragePin { get; private set; }

    public static Task<CliEnrollee> PrepareAsync(string name = "Saburo Ito", string provider = "sqlite", params string[] serverArgs) =>
        PrepareAsync(name, provider, time: null, serverArgs);

    /// <summary>As <see cref="PrepareAsync(string, string, string[])"/>, with a server whose clock is <paramref name="time"/>.</summary>
    public static Task<CliEnrollee> PrepareAsync(TimeProvider time, string name = "Saburo Ito") => PrepareAsync(name, "sqlite", time, []);

    private static async Task<CliEnrollee> PrepareAsync(string name, string provider, TimeProvider? time, string[] serverArgs)
    {
        ServerDatabase database = ServerDatabase.Create(provider);
        RealServer server = time is null ? await RealServer.StartAsync(database, serverArgs) : await RealServer.StartAsync(database, time, serverArgs);
        var kagi = new KagiRunner();
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        Assert.Equal(0, kagi.Run(null, "admin", "user", "add", "--employee-id", "E9", "--name", name, "--email", "e9@example.jp").ExitCode);
        KagiRun distributed = kagi.Run(null, "admin", "token", "distribute");
        Assert.True(distributed.ExitCode == 0, $"kagi admin token distribute against {server.Url} exited with {distributed.ExitCode}: {distributed.All.Trim()}");
        string serial = JsonDocument.Parse(distributed.Stdout).RootElement.GetProperty("serial").GetString()!;
        Assert.Equal(0, kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", "E9").ExitCode);
        var enrollee = new CliEnrollee(database, server, kagi, serial, string.Empty);
        enrollee.IssueStoragePin();
        kagi.Environment.Remove("KAGI_API_KEY"); // the user has no operator key
        return enrollee;
    }

    /// <summary>The operator (re)issues the storage PIN; the mailed PIN becomes <see cref="StoragePin"/>.</summary>
    public void IssueStoragePin()
    {
        foreach (string mail in Directory.Exists(Server.MailDirectory) ? Directory.GetFiles(Server.MailDirectory) : [])
        {
            File.Delete(mail);
        }

        Assert.Equal(0, Admin("admin", "token", "storage-pin", Serial).ExitCode);
        StoragePin = EnrollmentFlowTests.StoragePinFromMail(Server.MailDirectory);
    }

    /// <summary>Runs <c>kagi</c> as the operator (with the operator API key, which the user's runs do not have).</summary>
    public KagiRun Admin(params string[] args)
    {
        var env = new Dictionary<string, string>(Kagi.Environment) { ["KAGI_API_KEY"] = Server.OperatorApiKey };
        using var admin = new KagiRunner();
        foreach (var (k, v) in env)
        {
            admin.Environment[k] = v;
        }

        return admin.Run(null, args);
    }

    /// <summary>The certificate ID of this token's order.</summary>
    public async Task<string> CertificateIdAsync()
    {
        using IServiceScope scope = Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        long tokenId = (await db.Tokens.SingleAsync(t => t.Serial == Serial)).Id;
        long assignment = (await db.Assignments.SingleAsync(a => a.TokenId == tokenId)).Id;
        return (await db.EnrollmentOrders.SingleAsync(o => o.AssignmentId == assignment)).CertificateId;
    }

    /// <summary><c>kagi enroll --storage-pin-stdin --new-pin-stdin --yes --json</c> with extra environment (test hooks).</summary>
    public KagiRun Enroll(IDictionary<string, string>? environment = null, string? newPin = null)
    {
        foreach (string hook in new[] { "KAGI_TEST_KILL_AT", "KAGI_TEST_PAUSE_AT", "KAGI_TEST_PAUSE_FILE" })
        {
            Kagi.Environment.Remove(hook);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            Kagi.Environment[k] = v;
        }

        return Kagi.Run($"{StoragePin}\n{newPin ?? NewPin}\n", TimeSpan.FromSeconds(120), "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en");
    }

    /// <summary>The token read from outside after a login with the new PIN (which proves the PIN is the new one).</summary>
    public TokenContents Token() =>
        TokenContents.Read(Kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = Kagi.Hsm.ConfigPath }, NewPin);

    /// <summary>
    /// The order of this token is Stored with exactly one certificate, <paramref name="serialNumber"/>; the token holds
    /// exactly that certificate over its only user key pair, chained to the server's root; the new PIN opens it.
    /// </summary>
    public async Task AssertCompletedAsync(string serialNumber)
    {
        using (IServiceScope scope = Server.Services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            long tokenId = (await db.Tokens.SingleAsync(t => t.Serial == Serial)).Id;
            long[] assignments = await db.Assignments.Where(a => a.TokenId == tokenId).Select(a => a.Id).ToArrayAsync();
            EnrollmentOrder order = Assert.Single(await db.EnrollmentOrders.Where(o => assignments.Contains(o.AssignmentId)).ToListAsync());
            Assert.Equal(OrderState.Stored, order.State);
            IssuedCertificate issued = Assert.Single(await db.IssuedCertificates.Where(c => c.OrderId == order.Id).ToListAsync());
            Assert.Equal(serialNumber, issued.Serial, ignoreCase: true);
            Assert.Equal(serialNumber, order.CertificateSerial, ignoreCase: true);
        }

        // The chain is checked at the server's time: its clock may run ahead (resume window tests).
        System.Security.Cryptography.X509Certificates.X509Certificate2 user =
            Token().AssertOneKeyPairCertifiedAndChained(Server.RootPemPath, Server.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        Assert.Equal(serialNumber, user.SerialNumber, ignoreCase: true);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Kagi.Dispose();
        Database.Dispose();
    }
}
