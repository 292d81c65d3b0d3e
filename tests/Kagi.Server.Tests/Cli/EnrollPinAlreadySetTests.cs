using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// A run that died after it set the user PIN (test hook <c>after-pinset</c>: the certificate is on the token, the PIN is
/// the user's, the server was not told "stored"). The token no longer opens with the transport PIN, so the rerun's
/// STEP 4 asks for the user PIN set in the interrupted run (one entry, no new PIN and confirmation), asks again after a
/// PIN the token refuses with the token's PIN state, and completes the same order. Unattended reruns use the new-PIN
/// line as that PIN and stop with <c>token-pin-rejected</c> when the token refuses it.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollPinAlreadySetTests
{
    private const int Sigkill = 137;

    [Fact]
    public async Task The_interactive_rerun_asks_for_the_pin_set_before_again_until_the_token_takes_it()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Shiro Noda");
        KagiRun killed = enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterPinSet });
        Assert.True(killed.ExitCode == Sigkill, killed.All);

        enrollee.Kagi.Environment.Remove("KAGI_TEST_KILL_AT");

        // Function 1, STEP 1 next, STEP 2 yes; resumed (no STEP 3); STEP 4 next, a PIN the token refuses, the right one.
        KagiRun rerun = enrollee.Kagi.Run($"1\n\ny\n\n0000x\n{CliEnrollee.NewPin}\n", TimeSpan.FromSeconds(120), "enroll", "--lang", "en");
        Assert.True(rerun.ExitCode == 0, rerun.All);
        string stdout = System.Text.RegularExpressions.Regex.Replace(rerun.Stdout, @"\s+", " ");
        Assert.Contains("continuing the same order", stdout, StringComparison.Ordinal);
        Assert.Contains("Enter the user PIN you set", stdout, StringComparison.Ordinal);
        Assert.Contains("The PIN is incorrect.", rerun.Stderr, StringComparison.Ordinal);
        Assert.Contains("PIN state: ", rerun.Stderr, StringComparison.Ordinal);
        Assert.Contains("The certificate was stored.", rerun.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(CliEnrollee.NewPin, killed.All + rerun.All, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollee.StoragePin, killed.All + rerun.All, StringComparison.Ordinal);

        string serialNumber = System.Text.RegularExpressions.Regex.Match(rerun.Stdout, "Serial number: ([0-9A-F]+)").Groups[1].Value;
        await enrollee.AssertCompletedAsync(serialNumber);

        // The successful login reset the token's failure count.
        KagiRun tokens = enrollee.Kagi.Run(null, "tokens", "--json");
        Assert.Equal("ok", JsonDocument.Parse(tokens.Stdout).RootElement.EnumerateArray().Single().GetProperty("pinState").GetString());
    }

    [Fact]
    public async Task An_unattended_rerun_uses_the_new_pin_line_as_the_pin_set_before_and_stops_when_it_is_not()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Goro Imai");
        Assert.Equal(Sigkill, enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterPinSet }).ExitCode);

        KagiRun other = enrollee.Enroll(newPin: "k4m7p2x9");
        Assert.True(other.ExitCode == 6, other.All);
        JsonElement error = JsonDocument.Parse(other.Stdout).RootElement;
        Assert.Equal("token-pin-rejected", error.GetProperty("code").GetString());
        Assert.DoesNotContain("k4m7p2x9", other.All, StringComparison.Ordinal);

        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.True(result.GetProperty("resumed").GetBoolean());
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);
    }
}
