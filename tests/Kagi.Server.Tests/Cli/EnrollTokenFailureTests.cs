using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The token fails for real while the certificate is being written: SoftHSM2 keeps a token as a directory of files,
/// so "token pulled" is its directory disappearing (moved away). The run stops (test hook pause) after the
/// certificate was issued, the token is pulled, the run goes on and reports token-error with the token serial; with
/// the token back the next run completes the same order.
/// "Disk full" is in <see cref="EnrollDiskFullTests"/>: with SoftHSM2's token directory on a full tmpfs, SoftHSM2 2.6
/// answers CKR_OK to C_CreateObject and C_SetPIN while writing empty object files, so the failure never reaches Kagi
/// during the run; the rerun restores the lost certificate. A token that reports its full memory (CKR_DEVICE_MEMORY)
/// takes the same path as the pulled token above.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollTokenFailureTests
{
    [Fact]
    public async Task Token_pulled_while_writing_the_certificate_then_reattached_completes_the_same_order()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();
        string tokens = enrollee.Kagi.Hsm.TokenDirectory;
        string pulled = tokens + ".pulled";
        KagiRun failed = await FailAtCertificateWriteAsync(enrollee, makeFailure: () => Directory.Move(tokens, pulled));
        AssertTokenError(enrollee, failed);

        Directory.Move(pulled, tokens);
        await AssertRerunCompletesAsync(enrollee);
    }

    private static async Task<KagiRun> FailAtCertificateWriteAsync(CliEnrollee enrollee, Action makeFailure)
    {
        string pauseFile = Path.Combine(enrollee.Kagi.Hsm.Root, "paused");
        Task<KagiRun> running = Task.Run(() => enrollee.Enroll(new Dictionary<string, string>
        {
            ["KAGI_TEST_PAUSE_AT"] = EnrollmentTestHook.AfterIssue,
            ["KAGI_TEST_PAUSE_FILE"] = pauseFile,
        }));
        await EnrollInterruptionTests.WaitForFileAsync(pauseFile, running);
        makeFailure();
        File.Delete(pauseFile);
        return await running;
    }

    private static void AssertTokenError(CliEnrollee enrollee, KagiRun failed)
    {
        Assert.True(failed.ExitCode == 12, failed.All);
        JsonElement error = JsonDocument.Parse(failed.Stdout).RootElement;
        Assert.Equal("token-error", error.GetProperty("code").GetString());
        Assert.Equal(enrollee.Serial, error.GetProperty("tokenSerial").GetString());
        Assert.StartsWith("CKR_", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(enrollee.Serial, failed.Stderr, StringComparison.Ordinal);
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
