using System.Text.Json;
using System.Text.RegularExpressions;
using Kagi.Server.Tests.Api;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>`kagi enroll` unattended against the real server over HTTPS, on a SoftHSM2 token the operator distributed.</summary>
public class EnrollCliTests
{
    [Fact]
    public async Task Enroll_stores_a_certificate_protected_by_the_new_user_pin()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner();
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        Assert.Equal(0, kagi.Run(null, "admin", "user", "add", "--employee-id", "E9", "--name", "Saburo Ito", "--email", "saburo@example.jp").ExitCode);
        string serial = JsonDocument.Parse(kagi.Run(null, "admin", "token", "distribute").Stdout).RootElement.GetProperty("serial").GetString()!;
        Assert.Equal(0, kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", "E9").ExitCode);
        Assert.Equal(0, kagi.Run(null, "admin", "token", "storage-pin", serial).ExitCode);
        string storagePin = EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);
        kagi.Environment.Remove("KAGI_API_KEY"); // the user has no operator key

        // A predictable new PIN is refused before the storage PIN is used or anything is written to the token.
        KagiRun weak = kagi.Run($"{storagePin}\n1234\n1234\n", "enroll", "--pins-stdin", "--yes", "--lang", "en");
        Assert.Equal(8, weak.ExitCode);
        Assert.Contains("run such as 1234", weak.Stderr, StringComparison.Ordinal);

        // The refused run did not spend the storage PIN: the same one works now.
        KagiRun enrolled = kagi.Run($"{storagePin}\nq8w3e5r1\nq8w3e5r1\n", "enroll", "--pins-stdin", "--yes", "--json");
        Assert.True(enrolled.ExitCode == 0, enrolled.All);
        JsonElement result = JsonDocument.Parse(enrolled.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.Contains("CN=Saburo Ito", result.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(storagePin, enrolled.All, StringComparison.Ordinal);

        // The certificate and its CA chain are on the token; the private key is found after login with the new PIN.
        JsonElement[] certs = JsonDocument.Parse(kagi.Run("q8w3e5r1\n", "certs", "--json", "--login", "--pin-stdin").Stdout).RootElement.EnumerateArray().ToArray();
        JsonElement user = certs.Single(c => !c.GetProperty("isCa").GetBoolean());
        Assert.Equal(result.GetProperty("serialNumber").GetString(), user.GetProperty("serialNumber").GetString());
        Assert.True(user.GetProperty("hasPrivateKey").GetBoolean());
        Assert.Equal(2, certs.Count(c => c.GetProperty("isCa").GetBoolean()));
        Assert.Matches(new Regex("^FC[0-9A-F]+$"), user.GetProperty("certificateId").GetString()!);

        KagiRun again = kagi.Run($"{storagePin}\nq8w3e5r1\nq8w3e5r1\n", "enroll", "--pins-stdin", "--yes", "--lang", "en");
        Assert.Equal(11, again.ExitCode);
        Assert.Contains("already stored", again.Stdout, StringComparison.Ordinal);
        Assert.Contains(serial, again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", again.All, StringComparison.Ordinal);

        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        Assert.Equal("active", JsonDocument.Parse(kagi.Run(null, "admin", "token", "list").Stdout).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("serial").GetString() == serial).GetProperty("state").GetString());
    }
}
