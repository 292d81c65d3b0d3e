using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The operator's commands end to end: `kagi admin …` in its own process over real HTTPS (trusting the server's root
/// with --server-ca), distributing a real SoftHSM2 token attached to the "operator's machine".
/// </summary>
public class OperatorCliTests
{
    [Fact]
    public async Task Operator_registers_a_user_distributes_and_assigns_a_token_and_mails_the_storage_pin()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner(); // a SoftHSM2 directory with just the empty slot: a fresh token
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;

        KagiRun user = kagi.Run(null, "admin", "user", "add", "--employee-id", "E7", "--name", "Jiro Sato", "--kanji-name", "佐藤 次郎", "--email", "jiro@example.jp");
        Assert.True(user.ExitCode == 0, user.All);

        KagiRun distributed = kagi.Run(null, "admin", "token", "distribute", "--label", "Kagi E7");
        Assert.True(distributed.ExitCode == 0, distributed.All);
        JsonElement token = JsonDocument.Parse(distributed.Stdout).RootElement;
        string serial = token.GetProperty("serial").GetString()!;
        Assert.True(token.GetProperty("distributed").GetBoolean());
        Assert.Equal("inStock", token.GetProperty("state").GetString());

        // The token now carries the new label and a user PIN nobody typed (the transport PIN).
        JsonElement shown = JsonDocument.Parse(kagi.Run(null, "token", "show", "--json").Stdout).RootElement;
        Assert.Equal("Kagi E7", shown.GetProperty("label").GetString());
        Assert.Equal(serial, shown.GetProperty("serial").GetString());

        KagiRun assign = kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", "E7");
        Assert.True(assign.ExitCode == 0, assign.All);
        Assert.StartsWith("FC", JsonDocument.Parse(assign.Stdout).RootElement.GetProperty("certificateId").GetString(), StringComparison.Ordinal);

        KagiRun pin = kagi.Run(null, "admin", "token", "storage-pin", serial);
        Assert.True(pin.ExitCode == 0, pin.All);
        Assert.Equal("jiro@example.jp", JsonDocument.Parse(pin.Stdout).RootElement.GetProperty("mailedTo").GetString());
        Assert.Single(Directory.GetFiles(server.MailDirectory, "*.eml"));

        Assert.Equal("assigned", JsonDocument.Parse(kagi.Run(null, "admin", "token", "list").Stdout).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("serial").GetString() == serial).GetProperty("state").GetString());
        KagiRun audit = kagi.Run(null, "admin", "audit", "verify");
        Assert.True(audit.ExitCode == 0, audit.All);
        Assert.True(JsonDocument.Parse(audit.Stdout).RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Operator_lists_rolls_over_the_ca_and_publishes_crls()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner();
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;

        KagiRun before = kagi.Run(null, "admin", "ca", "list");
        Assert.True(before.ExitCode == 0, before.All);
        string first = Assert.Single(JsonDocument.Parse(before.Stdout).RootElement.EnumerateArray()).GetProperty("issuerId").GetString()!;

        KagiRun refused = kagi.Run(null, "admin", "ca", "rollover", "--validity-years", "0", "--lang", "en");
        Assert.Equal(14, refused.ExitCode);
        Assert.Contains("validation-failed", refused.Stderr, StringComparison.Ordinal);

        KagiRun rolled = kagi.Run(null, "admin", "ca", "rollover", "--key-type", "rsa3072", "--subject", "CN=Kagi CLI Issuing CA G2, O=Kagi, C=JP");
        Assert.True(rolled.ExitCode == 0, rolled.All);
        JsonElement created = JsonDocument.Parse(rolled.Stdout).RootElement;
        string second = created.GetProperty("issuerId").GetString()!;
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(created.GetProperty("certificate").GetString()!));
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(server.RootPemPath));
        Assert.Equal(root.Subject, certificate.Issuer);
        Assert.Equal(3072, certificate.GetRSAPublicKey()!.KeySize);
        string dir = Directory.CreateTempSubdirectory("kagi-cli-ca-").FullName;
        File.WriteAllText(Path.Combine(dir, "ca2.pem"), certificate.ExportCertificatePem());
        Assert.Contains("ca2.pem: OK", Api.EnrollmentFlowTests.OpenSsl(dir, "verify", "-CAfile", server.RootPemPath, "ca2.pem"), StringComparison.Ordinal);

        // The first CA issued nothing, so it publishes no CRL any more: only the new one is published.
        var listed = JsonDocument.Parse(kagi.Run(null, "admin", "ca", "list").Stdout).RootElement.EnumerateArray()
            .Select(c => (c.GetProperty("issuerId").GetString(), c.GetProperty("status").GetString())).ToArray();
        Assert.Equal([(second, "active"), (first, "ended")], listed);
        KagiRun published = kagi.Run(null, "admin", "ca", "publish-crl");
        Assert.True(published.ExitCode == 0, published.All);
        JsonElement crl = Assert.Single(JsonDocument.Parse(published.Stdout).RootElement.EnumerateArray());
        Assert.Equal(second, crl.GetProperty("issuerId").GetString());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Wrong_api_key_untrusted_server_and_missing_server_are_clear_errors()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner();

        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = "kagi_not-a-key";
        KagiRun unauthorized = kagi.Run(null, "admin", "token", "list", "--lang", "en");
        Assert.Equal(11, unauthorized.ExitCode);
        Assert.Contains("unauthorized", unauthorized.Stderr, StringComparison.Ordinal);

        kagi.Environment.Remove("KAGI_SERVER_CA"); // the development root is not in the system store
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        KagiRun untrusted = kagi.Run(null, "admin", "token", "list", "--lang", "en");
        Assert.Equal(14, untrusted.ExitCode);
        Assert.Contains("cannot be reached", untrusted.Stderr, StringComparison.Ordinal);

        kagi.Environment.Remove("KAGI_SERVER");
        KagiRun missing = kagi.Run(null, "admin", "token", "list", "--lang", "en");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("No server is configured", missing.Stderr, StringComparison.Ordinal);
    }
}
