using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Security;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// Nothing half-done: the real <c>kagi enroll</c> is killed (SIGKILL, through the documented test hook
/// <see cref="EnrollmentTestHook"/>, because a kill from outside cannot hit an exact step) or loses the server at each
/// point of certificate storage; the next plain run completes the SAME order: one certificate for it on the server,
/// one user key pair on the token (no orphan), the certificate over that key and chained to the root, and the
/// token's user PIN is the new one. After STEP 3 the storage PIN is spent, so the rerun resumes without it.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollInterruptionTests
{
    private const int Sigkill = 137;

    [Theory]
    [InlineData(EnrollmentTestHook.AfterStep1, false)]
    [InlineData(EnrollmentTestHook.AfterStep2, false)]
    [InlineData(EnrollmentTestHook.AfterStep3, true)]
    [InlineData(EnrollmentTestHook.AfterKeyGeneration, true)]
    [InlineData(EnrollmentTestHook.AfterIssue, true)]
    [InlineData(EnrollmentTestHook.AfterChainWrite, true)]
    [InlineData(EnrollmentTestHook.AfterWrite, true)]
    [InlineData(EnrollmentTestHook.AfterPinSet, true)]
    public async Task A_run_killed_at_any_step_is_completed_by_the_next_run_on_the_same_order(string point, bool storagePinSpent)
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();

        KagiRun killed = enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = point });
        Assert.True(killed.ExitCode == Sigkill, $"expected SIGKILL at {point}: {killed.ExitCode} {killed.All}");

        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.Equal(enrollee.Serial, result.GetProperty("tokenSerial").GetString());
        Assert.Equal(storagePinSpent, result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(enrollee.StoragePin, killed.All + rerun.All, StringComparison.Ordinal);
        Assert.DoesNotContain(CliEnrollee.NewPin, killed.All + rerun.All, StringComparison.Ordinal);

        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);

        // Completed means completed: a third run is told so and changes nothing.
        KagiRun again = enrollee.Enroll();
        Assert.Equal(11, again.ExitCode);
        Assert.Equal("certificate-already-stored", JsonDocument.Parse(again.Stdout).RootElement.GetProperty("code").GetString());
    }

    /// <summary>
    /// The server goes down before each request of the run: the storage PIN check (after STEP 2), the certificate
    /// request (after key generation and right before it), and the "stored" report (after the user PIN was set).
    /// </summary>
    [Theory]
    [InlineData(EnrollmentTestHook.AfterStep2, false)]
    [InlineData(EnrollmentTestHook.AfterKeyGeneration, true)]
    [InlineData(EnrollmentTestHook.BeforeCertificateRequest, true)]
    [InlineData(EnrollmentTestHook.AfterPinSet, true)]
    public async Task Server_unreachable_at_a_request_fails_cleanly_and_the_next_run_completes(string point, bool storagePinSpent)
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();
        string pauseFile = Path.Combine(enrollee.Kagi.Hsm.Root, "paused");

        // The run stops at the point; the server goes down; the run goes on.
        Task<KagiRun> running = Task.Run(() => enrollee.Enroll(new Dictionary<string, string>
        {
            ["KAGI_TEST_PAUSE_AT"] = point,
            ["KAGI_TEST_PAUSE_FILE"] = pauseFile,
        }));
        await WaitForFileAsync(pauseFile, running);
        await enrollee.Server.StopAsync();
        File.Delete(pauseFile);
        KagiRun failed = await running;

        Assert.Equal(14, failed.ExitCode);
        JsonElement error = JsonDocument.Parse(failed.Stdout).RootElement;
        Assert.Equal("error", error.GetProperty("result").GetString());
        Assert.Equal("server-unreachable", error.GetProperty("code").GetString());
        Assert.Equal(enrollee.Serial, error.GetProperty("tokenSerial").GetString());
        Assert.Contains(enrollee.Serial, failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("server-unreachable", failed.Stderr, StringComparison.Ordinal);

        await enrollee.Server.StartAgainAsync();
        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal(storagePinSpent, result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(enrollee.StoragePin, failed.All + rerun.All, StringComparison.Ordinal);
        Assert.DoesNotContain(CliEnrollee.NewPin, failed.All + rerun.All, StringComparison.Ordinal);
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
    }

    [Fact]
    public async Task Half_a_key_pair_left_by_a_crash_inside_key_generation_is_replaced_not_orphaned()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();
        Assert.Equal(Sigkill, enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterStep3 }).ExitCode);

        // What a module that persists the halves one by one could leave after a crash: a private key with the order's
        // CKA_ID (derived from the certificate ID) and no public key. Made with pkcs11-tool and the transport PIN.
        string certificateId;
        string transportPin;
        using (IServiceScope scope = enrollee.Server.Services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            Token token = await db.Tokens.SingleAsync(t => t.Serial == enrollee.Serial);
            long assignment = (await db.Assignments.SingleAsync(a => a.TokenId == token.Id)).Id;
            certificateId = (await db.EnrollmentOrders.SingleAsync(o => o.AssignmentId == assignment)).CertificateId;
            transportPin = Encoding.UTF8.GetString(scope.ServiceProvider.GetRequiredService<SecretProtector>().Unprotect(token.EncryptedTransportPin!, SecretPurposes.TransportPin));
        }

        string keyId = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(certificateId))[..8]);
        enrollee.Kagi.Hsm.RunPkcs11Tool(null, transportPin, "--token-label", "Kagi", "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--keypairgen", "--key-type", "EC:prime256v1", "--id", keyId, "--label", "half");
        enrollee.Kagi.Hsm.RunPkcs11Tool(null, transportPin, "--token-label", "Kagi", "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--delete-object", "--type", "pubkey", "--id", keyId);

        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
        Assert.DoesNotContain(enrollee.Token().PrivateKeys, k => k.Label == "half");
    }

    internal static async Task WaitForFileAsync(string path, Task<KagiRun> running)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (running.IsCompleted)
            {
                KagiRun run = await running;
                Assert.Fail($"kagi ended before the pause point: {run.ExitCode} {run.All}");
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "kagi never reached the pause point");
            await Task.Delay(50);
        }
    }
}
