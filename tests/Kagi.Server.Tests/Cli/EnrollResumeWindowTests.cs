using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The 30-minute resume window through the real <c>kagi enroll</c> (the API-level behaviour is in
/// EnrollmentResumeTests): a run killed right after STEP 3 has spent the storage PIN. A rerun within the window
/// resumes and completes the same order; once the window is over the rerun fails with <c>storage-pin-used</c> and
/// tells the user to ask the operator for a new storage PIN, and after the operator re-issues it, the new mailed PIN
/// completes the order. The server's clock is an <see cref="AdjustableClock"/>; CLI, token and server are real.
/// </summary>
public class EnrollResumeWindowTests
{
    private const int Sigkill = 137;

    [Fact]
    public async Task A_rerun_within_the_resume_window_completes_the_same_order_without_the_spent_storage_pin()
    {
        var clock = new AdjustableClock();
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync(clock);
        KillAfterStoragePinVerification(enrollee);

        // The server's clock stands still 29 minutes after the verification. Merely moved 29 minutes ahead, it would
        // have left the rerun one real minute to start kagi and reach the resume request before the 30-minute window
        // closed, which a loaded machine does not always manage.
        clock.FrozenAt = await VerifiedAtAsync(enrollee) + TimeSpan.FromMinutes(29);
        KagiRun rerun = enrollee.Enroll();

        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.True(result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(enrollee.StoragePin, rerun.All, StringComparison.Ordinal);
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
    }

    [Fact]
    public async Task After_the_resume_window_the_rerun_asks_for_a_reissued_storage_pin_which_then_completes_the_order()
    {
        var clock = new AdjustableClock();
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync(clock);
        KillAfterStoragePinVerification(enrollee);
        string spentPin = enrollee.StoragePin;

        // 31 minutes later: the spent PIN can neither resume nor be verified again.
        clock.Offset = TimeSpan.FromMinutes(31);
        KagiRun late = enrollee.Enroll();
        Assert.Equal(7, late.ExitCode); // ExitCodes.PinLocked
        JsonElement error = JsonDocument.Parse(late.Stdout).RootElement;
        Assert.Equal("error", error.GetProperty("result").GetString());
        Assert.Equal("storage-pin-used", error.GetProperty("code").GetString());
        Assert.Equal(enrollee.Serial, error.GetProperty("tokenSerial").GetString());
        Assert.Contains("Ask your CA operator to issue a new storage PIN", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Ask your CA operator to issue a new storage PIN", late.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(spentPin, late.All, StringComparison.Ordinal);

        // The operator re-issues the storage PIN (kagi admin token storage-pin); the run with the new mailed PIN
        // completes the same order.
        enrollee.IssueStoragePin();
        Assert.NotEqual(spentPin, enrollee.StoragePin);
        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.False(result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(enrollee.StoragePin, rerun.All, StringComparison.Ordinal);
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
    }

    /// <summary>When the server recorded the (one) storage PIN of the enrollee's token as verified, by its clock.</summary>
    private static async Task<DateTimeOffset> VerifiedAtAsync(CliEnrollee enrollee)
    {
        using IServiceScope scope = enrollee.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        StoragePin pin = await db.StoragePins.SingleAsync();
        Assert.Equal(StoragePinState.Used, pin.State);
        return pin.UsedAt!.Value;
    }

    /// <summary>The first run verifies (spends) the storage PIN and dies right after, as a pulled plug would.</summary>
    private static void KillAfterStoragePinVerification(CliEnrollee enrollee)
    {
        KagiRun killed = enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterStep3 });
        Assert.True(killed.ExitCode == Sigkill, $"expected SIGKILL after STEP 3: {killed.ExitCode} {killed.All}");
        Assert.DoesNotContain(enrollee.StoragePin, killed.All, StringComparison.Ordinal);
    }
}
