using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Protocol;
using Kagi.Server.Tests.Api;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// Certificate storage on opencryptoki's soft token (RSA only, PINs of 4–8 characters, locks after three wrong PINs):
/// RSA-2048 distribution key, RSA-2048 user key generated on the token, the real CLI against the real server, one
/// interruption on the way. The token is shared with the lockout tests (machine-wide lock) and is put back in its
/// documented state afterwards (scripts/opencryptoki.env: user PIN reset by the SO, the objects of this test removed).
/// </summary>
[Collection("opencryptoki token")]
public class OpencryptokiEnrollTests
{
    private const string NewPin = "k7d4m2x9";

    [Fact]
    public Task Enroll_stores_an_rsa_certificate_on_opencryptoki_that_matches_the_token_key_and_chains_to_the_root() => OnTokenAsync("E31", "Goro Kimura", "goro@example.jp", async (kagi, server, serial, storagePin) =>
    {
        string stdin = $"{storagePin}\n{NewPin}\n";
        string[] enroll = ["--token", serial, "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en"];

        // Interrupted right after the RSA key pair was generated; the rerun finds that key and completes.
        kagi.Environment["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterKeyGeneration;
        Assert.Equal(137, kagi.Run(stdin, TimeSpan.FromSeconds(180), enroll).ExitCode);
        kagi.Environment.Remove("KAGI_TEST_KILL_AT");
        KagiRun run = kagi.Run(stdin, TimeSpan.FromSeconds(180), enroll);
        Assert.True(run.ExitCode == 0, run.All);
        JsonElement result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(storagePin, run.All, StringComparison.Ordinal);

        // From outside (pkcs11-tool, logged in with the new PIN): one user key pair (+ the distribution key),
        // RSA-2048, certified by the certificate on the token, which chains to the server's root.
        OpencryptokiToken ock = OpencryptokiToken.Read();
        TokenContents token = TokenContents.Read(ock.Module, ock.Label, new Dictionary<string, string>(), NewPin);
        X509Certificate2 user = token.AssertOneKeyPairCertifiedAndChained(server.RootPemPath);
        Assert.Equal(result.GetProperty("serialNumber").GetString(), user.SerialNumber, ignoreCase: true);
        using RSA? rsa = user.GetRSAPublicKey();
        Assert.NotNull(rsa);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Contains("CN=Goro Kimura", user.Subject, StringComparison.Ordinal);

        // The token loses the certificate; the interactive rerun offers the restore and asks for the user PIN.
        // Wrong PINs are asked again with the token's PIN state until opencryptoki locks the PIN at the third:
        // then the run ends with user-pin-locked (exit 7) and nothing was written.
        string keyId = Assert.Single(token.Certificates, c => token.PrivateKeys.Any(k => k.Id == c.Id)).Id;
        token.DeleteCertificate(keyId);
        KagiRun locked = kagi.Run(string.Join("\n", "1", "", "", "0000", "00000", "000000") + "\n", TimeSpan.FromSeconds(180), "--token", serial, "enroll", "--lang", "en");
        Assert.True(locked.ExitCode == 7, locked.All);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(locked.Stderr, "The PIN is incorrect\\."));
        Assert.Contains("Error code: user-pin-locked", locked.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Token serial number: {serial}", locked.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPin, locked.All, StringComparison.Ordinal);
        KagiRun certificates = kagi.Run(null, "--token", serial, "certs", "--json");
        Assert.True(certificates.ExitCode == 0, certificates.All);
        Assert.DoesNotContain(JsonDocument.Parse(certificates.Stdout).RootElement.EnumerateArray(), c => c.GetProperty("id").GetString()!.Equals(keyId, StringComparison.OrdinalIgnoreCase));
    });

    [Fact]
    public Task A_rerun_after_the_pin_was_set_asks_for_that_pin_and_ends_with_user_pin_locked_when_opencryptoki_locks_it() => OnTokenAsync("E32", "Rokuro Kimura", "rokuro@example.jp", async (kagi, server, serial, storagePin) =>
    {
        // Killed after the user PIN was set: the token no longer opens with the transport PIN.
        kagi.Environment["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterPinSet;
        Assert.Equal(137, kagi.Run($"{storagePin}\n{NewPin}\n", TimeSpan.FromSeconds(180), "--token", serial, "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json").ExitCode);
        kagi.Environment.Remove("KAGI_TEST_KILL_AT");

        // The interactive rerun (function 1, STEP 1, the user confirmed, resumed, STEP 4 next): the transport PIN is
        // tried once (refused and counted), then the PIN set before is asked for. Wrong PINs until opencryptoki
        // locks at the third failure: one "incorrect" with the PIN state, then user-pin-locked (exit 7).
        KagiRun locked = kagi.Run(string.Join("\n", "1", "", "y", "", "0000", "00000", "000000") + "\n", TimeSpan.FromSeconds(180), "--token", serial, "enroll", "--lang", "en");
        Assert.True(locked.ExitCode == 7, locked.All);
        Assert.Contains("Enter the user PIN you set", System.Text.RegularExpressions.Regex.Replace(locked.Stdout, @"\s+", " "), StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(locked.Stderr, "The PIN is incorrect\\."));
        Assert.Contains("PIN state: ", locked.Stderr, StringComparison.Ordinal);
        Assert.Contains("Error code: user-pin-locked", locked.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPin, locked.All, StringComparison.Ordinal);
        Assert.DoesNotContain(storagePin, locked.All, StringComparison.Ordinal);
    });

    /// <summary>
    /// Runs <paramref name="test"/> on opencryptoki's token (held exclusively) against a fresh server, with the user
    /// registered, the token distributed and assigned to them and the storage PIN mailed; the CLI runner has no
    /// operator key. Afterwards the token is put back in its documented state (user PIN reset by the SO, every object
    /// of the test destroyed), which is asserted, as is that libopencryptoki never entered this test process, whose
    /// sockets it would close (see OpencryptokiChild): every opencryptoki step runs in a child (kagi, kagi-ock-child,
    /// pkcs11-tool).
    /// </summary>
    private static async Task OnTokenAsync(string employeeId, string name, string email, Func<KagiRunner, RealServer, string, string, Task> test)
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        OpencryptokiToken ock = OpencryptokiToken.Read();
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner { Module = ock.Module };
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        HashSet<string> before = OpencryptokiChild.Objects();
        HashSet<string> after;
        try
        {
            Assert.Equal(0, kagi.Run(null, "admin", "user", "add", "--employee-id", employeeId, "--name", name, "--email", email).ExitCode);
            string serial = await DistributeAsync(ock, server);
            Assert.Equal(0, kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", employeeId).ExitCode);
            Assert.Equal(0, kagi.Run(null, "admin", "token", "storage-pin", serial).ExitCode);
            string storagePin = EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);
            kagi.Environment.Remove("KAGI_API_KEY");
            await test(kagi, server, serial, storagePin);
        }
        finally
        {
            after = OpencryptokiChild.Restore(before);
        }

        Assert.Equal(before.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("libopencryptoki", File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);
    }

    // Distribution as the operator does it, minus C_InitToken (opencryptoki 3.8 leaves the SO unable to log in after
    // C_InitToken on an initialized token with a non-default SO PIN, see scripts/opencryptoki-setup.sh): the token keeps
    // its SO PIN; a random transport user PIN and the RSA distribution key are set in a child process.
    private static async Task<string> DistributeAsync(OpencryptokiToken ock, RealServer server)
    {
        OpencryptokiChild.Distributed token = OpencryptokiChild.Distribute();
        KagiApiClient admin = server.CreateAdminClient();
        await admin.RegisterDistributionAsync(token.Serial, new DistributionRequest(token.Manufacturer, token.Model, token.PublicKey, ock.SoPin, token.TransportPin));
        return token.Serial;
    }
}
