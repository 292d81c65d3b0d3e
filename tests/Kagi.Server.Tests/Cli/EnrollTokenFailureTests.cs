using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The token fails for real during STEP 5: SoftHSM2 keeps a token as a directory of files, so "token pulled" is its
/// directory disappearing (moved away). The run stops (test hook pause) before a token write, the token is pulled,
/// the run goes on and reports token-error with the token serial; with the token back the next run completes the
/// same order.
/// "Disk full" is in <see cref="EnrollDiskFullTests"/>: with SoftHSM2's token directory on a full tmpfs, SoftHSM2 2.6
/// answers CKR_OK to C_CreateObject and C_SetPIN while writing empty object files, so the failure never reaches Kagi
/// during the run; the rerun restores the lost certificate. A token that reports its full memory (CKR_DEVICE_MEMORY)
/// takes the same path as the pulled token above.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollTokenFailureTests
{
    /// <summary>
    /// The token is pulled before each token write of STEP 5: key generation (after STEP 3), the certificate write
    /// (after issuance) and setting the user PIN (after the write).
    /// </summary>
    [Theory]
    [InlineData(EnrollmentTestHook.AfterStep3)]
    [InlineData(EnrollmentTestHook.AfterIssue)]
    [InlineData(EnrollmentTestHook.AfterWrite)]
    public async Task Token_pulled_at_a_token_write_then_reattached_completes_the_same_order(string point)
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();
        string tokens = enrollee.Kagi.Hsm.TokenDirectory;
        string pulled = tokens + ".pulled";
        KagiRun failed = await FailAtAsync(enrollee, point, makeFailure: () => Directory.Move(tokens, pulled));
        AssertTokenError(enrollee, point, failed);

        Directory.Move(pulled, tokens);
        await AssertRerunCompletesAsync(enrollee);
    }

    private static async Task<KagiRun> FailAtAsync(CliEnrollee enrollee, string point, Action makeFailure)
    {
        string pauseFile = Path.Combine(enrollee.Kagi.Hsm.Root, "paused");
        Task<KagiRun> running = Task.Run(() => enrollee.Enroll(new Dictionary<string, string>
        {
            ["KAGI_TEST_PAUSE_AT"] = point,
            ["KAGI_TEST_PAUSE_FILE"] = pauseFile,
        }));
        await EnrollInterruptionTests.WaitForFileAsync(pauseFile, running);
        makeFailure();
        File.Delete(pauseFile);
        return await running;
    }

    private static void AssertTokenError(CliEnrollee enrollee, string point, KagiRun failed)
    {
        Assert.True(failed.ExitCode == 12, failed.All);
        JsonElement error = JsonDocument.Parse(failed.Stdout).RootElement;
        Assert.Equal(enrollee.Serial, error.GetProperty("tokenSerial").GetString());
        Assert.Contains(enrollee.Serial, failed.Stderr, StringComparison.Ordinal);

        // Gone before the step opened its session: "token-removed". Gone under an open session: the failing call's
        // PKCS#11 return value as the detail of "token-error".
        string? code = error.GetProperty("code").GetString();
        if (code == "token-removed")
        {
            Assert.Equal(EnrollmentTestHook.AfterStep3, point);
        }
        else
        {
            Assert.Equal("token-error", code);
            Assert.StartsWith("CKR_", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task AssertRerunCompletesAsync(CliEnrollee enrollee)
    {
        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.True(result.GetProperty("resumed").GetBoolean());
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
    }
}
