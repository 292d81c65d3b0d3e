using Kagi.Testing;
using System.Diagnostics;
using System.Text.Json;
using Kagi.Tokens.Tests.Cli;

namespace Kagi.Tokens.Tests.Quirks;

/// <summary>
/// Drivers that answer a wrong PIN with CKR_GENERAL_ERROR (seen with some ePass2003 drivers): Kagi re-reads the
/// PIN flags and reports a wrong PIN when the token counted a failure. Uses the C test double beside this file.
/// </summary>
public class GeneralErrorLoginTests
{
    [Fact]
    public void A_general_error_that_the_token_counted_is_reported_as_a_wrong_pin()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("quirk", "12345678", "1234");
        kagi.Module = BuildShim(kagi.Hsm.Root);

        KagiRun wrong = kagi.Run("0000\n", "login", "--pin-stdin", "--json", "--lang", "en");
        Assert.Equal(6, wrong.ExitCode);
        JsonElement json = JsonDocument.Parse(wrong.Stdout).RootElement;
        Assert.Equal("wrongPin", json.GetProperty("outcome").GetString());
        Assert.Equal("countLow", json.GetProperty("pinState").GetString());

        // When the flags do not change (SoftHSM2 stays at "count low"), the error cannot be told apart from a
        // real failure and is reported as a token error naming the function and the CKR.
        KagiRun again = kagi.Run("0000\n", "login", "--pin-stdin", "--lang", "en");
        Assert.Equal(12, again.ExitCode);
        Assert.Contains("C_Login failed: CKR_GENERAL_ERROR", again.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, kagi.Run("1234\n", "login", "--pin-stdin").ExitCode);
    }

    /// <summary>Compiles the C test double Quirks/<paramref name="name"/>.c into <paramref name="directory"/>; returns the module's path.</summary>
    internal static string BuildShim(string directory, string name = "general-error-login")
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Quirks", name + ".c");
        string output = Path.Combine(directory, "lib" + name + ".so");
        var start = new ProcessStartInfo("gcc") { RedirectStandardError = true };
        foreach (string a in new[] { "-shared", "-fPIC", "-O1", "-o", output, source, "-ldl" })
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, errors);
        return output;
    }
}
