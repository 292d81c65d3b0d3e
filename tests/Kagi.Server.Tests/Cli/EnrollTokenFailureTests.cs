using System.Diagnostics;
using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The token fails for real while the certificate is being written: SoftHSM2 keeps a token as a directory of files,
/// so "token pulled" is its directory disappearing (moved away) and "disk full" is its directory on a small tmpfs
/// that fills up. The run stops (test hook pause) after the certificate was issued, the failure is made, the run
/// goes on and reports token-error with the token serial; with the token back (or space freed) the next run
/// completes the same order.
/// </summary>
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

    [Fact]
    public async Task Disk_full_while_writing_the_certificate_then_space_freed_completes_the_same_order()
    {
        string? mounted = null;
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync(kagi =>
        {
            // A 2 MiB tmpfs as SoftHSM2's token directory (the test machine runs tests as root, like scripts/test.sh).
            Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", kagi.Hsm.TokenDirectory);
            mounted = kagi.Hsm.TokenDirectory;
        });
        try
        {
            string filler = Path.Combine(mounted!, "filler");
            KagiRun failed = await FailAtCertificateWriteAsync(enrollee, makeFailure: () => Fill(filler));
            AssertTokenError(enrollee, failed);

            File.Delete(filler);
            await AssertRerunCompletesAsync(enrollee);
        }
        finally
        {
            Run("umount", mounted!);
        }
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

    private static void Fill(string path)
    {
        byte[] block = new byte[64 * 1024];
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the file system is full.
        }

        Assert.True(new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace < block.Length, "the tmpfs is not full");
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {output}");
    }
}
