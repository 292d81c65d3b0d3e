using System.Text.Json;
using System.Text.RegularExpressions;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Agent.BrowserTests.Infrastructure;

/// <summary>
/// Everything one test needs: a real kagi-server over HTTPS (SQLite), a private SoftHSM2 environment, the operator
/// steps done through the real CLI, and the real agent in a child process pointed at the server.
/// </summary>
public sealed partial class AgentWorld : IAsyncDisposable
{
    /// <summary>A portal origin the agent is configured to accept.</summary>
    public const string PortalOrigin = "https://portal.kagi.test";

    private AgentWorld(ServerDatabase database, RealServer server, KagiRunner kagi)
    {
        Database = database;
        Server = server;
        Kagi = kagi;
    }

    public ServerDatabase Database { get; }

    public RealServer Server { get; }

    public KagiRunner Kagi { get; }

    public AgentProcess Agent { get; private set; } = null!;

    /// <summary>Starts the server and the agent (allowing <see cref="PortalOrigin"/> and <paramref name="moreOrigins"/>).</summary>
    public static Task<AgentWorld> StartAsync(params string[] moreOrigins) => StartAsync(false, moreOrigins);

    /// <summary>As <see cref="StartAsync(string[])"/>; <paramref name="allowServerOrigin"/> also allows the server's portal page.</summary>
    public static async Task<AgentWorld> StartAsync(bool allowServerOrigin, params string[] moreOrigins)
    {
        ServerDatabase database = ServerDatabase.Create("sqlite");
        RealServer server = await RealServer.StartAsync(database);
        var kagi = new KagiRunner();
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        var world = new AgentWorld(database, server, kagi);
        string[] origins = allowServerOrigin ? [PortalOrigin, new Uri(server.Url).GetLeftPart(UriPartial.Authority), .. moreOrigins] : [PortalOrigin, .. moreOrigins];
        world.Agent = AgentProcess.Start(kagi, origins, server.Url, server.RootPemPath);
        return world;
    }

    /// <summary>
    /// The operator's part through the real CLI: registers a user, distributes the next SoftHSM2 token (SoftHSM2's spare
    /// slot), assigns it and mails a storage PIN. Returns the token serial and the storage PIN from the mail.
    /// </summary>
    public (string Serial, string StoragePin) PrepareToken(string employeeId, string name)
    {
        Kagi.Environment["KAGI_API_KEY"] = Server.OperatorApiKey;
        try
        {
            Check(Kagi.Run(null, "admin", "user", "add", "--employee-id", employeeId, "--name", name, "--email", $"{employeeId.ToLowerInvariant()}@example.jp"));
            KagiRun distributed = Kagi.Run(null, "admin", "token", "distribute");
            Check(distributed);
            string serial = JsonDocument.Parse(distributed.Stdout).RootElement.GetProperty("serial").GetString()!;
            Check(Kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", employeeId));
            Check(Kagi.Run(null, "admin", "token", "storage-pin", serial));
            return (serial, StoragePinFromMail());
        }
        finally
        {
            Kagi.Environment.Remove("KAGI_API_KEY");
        }
    }

    /// <summary>The storage PIN in the newest mail the server wrote.</summary>
    public string StoragePinFromMail()
    {
        string raw = File.ReadAllText(Directory.GetFiles(Server.MailDirectory, "*.eml").OrderBy(File.GetLastWriteTimeUtc).Last());
        Match match = StoragePinLine().Match(MimeText.Body(raw));
        Assert.True(match.Success, "no storage PIN in the mail");
        return match.Groups[1].Value;
    }

    /// <summary>Creates a plain SoftHSM2 token (user PIN <paramref name="userPin"/>), as if a token were inserted.</summary>
    public void InsertToken(string label, string userPin = "1234") => Kagi.Hsm.InitToken(label, "so-pin-1", userPin);

    /// <summary>"Pulls" the token with <paramref name="serial"/>: moves its SoftHSM2 directory away; returns a restore action.</summary>
    public Action PullToken(string serial)
    {
        string dir = Directory.GetDirectories(Kagi.Hsm.TokenDirectory).Single(d => HoldsSerial(d, serial));
        string aside = Path.Combine(Kagi.Hsm.Root, "pulled-" + Path.GetFileName(dir));
        Directory.Move(dir, aside);
        return () => Directory.Move(aside, dir);
    }

    private static bool HoldsSerial(string tokenDirectory, string serial)
    {
        // SoftHSM2 names the directory by a UUID and keeps the serial inside token.object; match on the raw bytes.
        string file = Path.Combine(tokenDirectory, "token.object");
        return File.Exists(file) && System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(file)).Contains(serial, StringComparison.Ordinal);
    }

    private static void Check(KagiRun run) => Assert.True(run.ExitCode == 0, run.All);

    public async ValueTask DisposeAsync()
    {
        Agent?.Dispose();
        Kagi.Dispose();
        await Server.DisposeAsync();
        Database.Dispose();
    }

    [GeneratedRegex(@"PIN: ([A-Za-z0-9]+)")]
    private static partial Regex StoragePinLine();
}
