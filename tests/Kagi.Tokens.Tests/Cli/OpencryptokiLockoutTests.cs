using Kagi.Testing;
using System.Diagnostics;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

/// <summary>
/// PIN lockout on opencryptoki's software token, the token here that really locks (three wrong PINs).
/// scripts/opencryptoki-setup.sh prepares it and writes scripts/opencryptoki.env with the test credentials.
/// The SO unlocks the token again at the end (C_InitPIN), also when an assertion fails.
/// </summary>
[Collection("opencryptoki token")]
public class OpencryptokiLockoutTests
{
    [Fact]
    public void Wrong_pins_count_down_to_a_lock_that_tells_the_user_to_ask_the_ca_operator()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        Dictionary<string, string> ock = ReadEnvironment();
        using var kagi = new KagiRunner { Module = ock["OCK_MODULE"] };
        string pin = ock["OCK_USER_PIN"];
        string[] select = ["--token", Serial(kagi), "--lang", "en"];
        try
        {
            Assert.Equal(0, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);

            KagiRun first = kagi.Run("000000\n", ["login", "--pin-stdin", "--json", .. select]);
            Assert.Equal(6, first.ExitCode);
            Assert.Equal("countLow", State(first));

            KagiRun second = kagi.Run("000000\n", ["login", "--pin-stdin", "--json", .. select]);
            Assert.Equal(6, second.ExitCode);
            Assert.Equal("finalTry", State(second));
            Assert.Contains("one more wrong PIN will lock", second.Stderr, StringComparison.Ordinal);

            // The final try needs explicit confirmation; without it the token is not touched.
            KagiRun unconfirmed = kagi.Run("000000\n", ["login", "--pin-stdin", .. select]);
            Assert.Equal(11, unconfirmed.ExitCode);
            Assert.Equal("finalTry", TokenState(kagi, select));

            KagiRun third = kagi.Run("000000\n", ["login", "--pin-stdin", "--yes", .. select]);
            Assert.Equal(7, third.ExitCode);
            Assert.Contains("locked", third.Stderr, StringComparison.Ordinal);
            Assert.Contains("CA operator", third.Stderr, StringComparison.Ordinal);

            // Locked: even the right PIN is refused, and PIN changes stop before touching the token.
            KagiRun locked = kagi.Run(pin + "\n", ["login", "--pin-stdin", "--lang", "ja", "--token", select[1]]);
            Assert.Equal(7, locked.ExitCode);
            Assert.Contains("ロック", locked.Stderr, StringComparison.Ordinal);
            Assert.Equal(7, kagi.Run($"{pin}\nk7d4m2x9\nk7d4m2x9\n", ["pin", "change", "--pin-stdin", .. select]).ExitCode);
            Assert.Equal("locked", TokenState(kagi, select));
        }
        finally
        {
            Unlock(ock);
        }

        Assert.Equal(0, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);
        Assert.Equal("ok", TokenState(kagi, select));
    }

    [Fact]
    public void Management_commands_work_on_opencryptoki()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        Dictionary<string, string> ock = ReadEnvironment();
        using var kagi = new KagiRunner { Module = ock["OCK_MODULE"] };
        string pin = ock["OCK_USER_PIN"];
        string[] select = ["--token", Serial(kagi), "--lang", "en"];
        try
        {
            JsonElement token = JsonDocument.Parse(kagi.Run(null, ["token", "show", "--json", .. select]).Stdout).RootElement;
            Assert.Equal(ock["OCK_TOKEN_LABEL"], token.GetProperty("label").GetString());
            Assert.Equal(4, token.GetProperty("minPinLength").GetInt32());
            Assert.Equal(8, token.GetProperty("maxPinLength").GetInt32());

            KagiRun certs = kagi.Run(pin + "\n", ["certs", "--json", "--login", "--pin-stdin", .. select]);
            Assert.True(certs.ExitCode == 0, certs.All);

            KagiRun change = kagi.Run($"{pin}\nk7d4m2x9\nk7d4m2x9\n", ["pin", "change", "--pin-stdin", .. select]);
            Assert.True(change.ExitCode == 0, change.All);
            Assert.Equal(6, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);
            Assert.Equal(0, kagi.Run("k7d4m2x9\n", ["login", "--pin-stdin", .. select]).ExitCode);
        }
        finally
        {
            Unlock(ock); // puts the known test PIN back
        }

        Assert.Equal(0, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);
    }

    private static string State(KagiRun run) => JsonDocument.Parse(run.Stdout).RootElement.GetProperty("pinState").GetString()!;

    private static string TokenState(KagiRunner kagi, string[] select) =>
        JsonDocument.Parse(kagi.Run(null, ["token", "show", "--json", .. select]).Stdout).RootElement.GetProperty("pinState").GetString()!;

    private static string Serial(KagiRunner kagi)
    {
        KagiRun run = kagi.Run(null, "tokens", "--json");
        Assert.True(run.ExitCode == 0, run.All);
        return JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("label").GetString() == ReadEnvironment()["OCK_TOKEN_LABEL"]).GetProperty("serial").GetString()!;
    }

    private static void Unlock(Dictionary<string, string> ock)
    {
        var start = new ProcessStartInfo("pkcs11-tool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            "--module", ock["OCK_MODULE"], "--token-label", ock["OCK_TOKEN_LABEL"], "--login", "--login-type", "so",
            "--so-pin", "env:KAGI_OCK_SO_PIN", "--init-pin", "--new-pin", "env:KAGI_OCK_USER_PIN",
        })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["KAGI_OCK_SO_PIN"] = ock["OCK_SO_PIN"];
        start.Environment["KAGI_OCK_USER_PIN"] = ock["OCK_USER_PIN"];
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "SO unlock failed: " + output);
    }

    private static Dictionary<string, string> ReadEnvironment()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "scripts", "opencryptoki.env")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.True(dir is not null, "scripts/opencryptoki.env not found: run scripts/setup-system.sh");
        return File.ReadAllLines(Path.Combine(dir!, "scripts", "opencryptoki.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }
}
