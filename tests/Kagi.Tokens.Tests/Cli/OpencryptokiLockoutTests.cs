using Kagi.Testing;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

/// <summary>
/// PIN lockout on opencryptoki's software token, the token here that really locks (three wrong PINs).
/// scripts/opencryptoki-setup.sh prepares it and writes scripts/opencryptoki.env with the test credentials (OpencryptokiToken).
/// The SO unlocks the token again at the end (C_InitPIN), also when an assertion fails.
/// </summary>
[Collection("opencryptoki token")]
public class OpencryptokiLockoutTests
{
    [Fact]
    public void Wrong_pins_count_down_to_a_lock_that_tells_the_user_to_ask_the_ca_operator()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        OpencryptokiToken ock = OpencryptokiToken.Read();
        using var kagi = new KagiRunner { Module = ock.Module };
        string pin = ock.UserPin;
        string[] select = ["--token", Serial(kagi, ock.Label), "--lang", "en"];
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
            ock.ResetUserPin();
        }

        Assert.Equal(0, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);
        Assert.Equal("ok", TokenState(kagi, select));
    }

    [Fact]
    public void Management_commands_work_on_opencryptoki()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        OpencryptokiToken ock = OpencryptokiToken.Read();
        using var kagi = new KagiRunner { Module = ock.Module };
        string pin = ock.UserPin;
        string[] select = ["--token", Serial(kagi, ock.Label), "--lang", "en"];
        try
        {
            JsonElement token = JsonDocument.Parse(kagi.Run(null, ["token", "show", "--json", .. select]).Stdout).RootElement;
            Assert.Equal(ock.Label, token.GetProperty("label").GetString());
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
            ock.ResetUserPin(); // puts the known test PIN back
        }

        Assert.Equal(0, kagi.Run(pin + "\n", ["login", "--pin-stdin", .. select]).ExitCode);
    }

    private static string State(KagiRun run) => JsonDocument.Parse(run.Stdout).RootElement.GetProperty("pinState").GetString()!;

    private static string TokenState(KagiRunner kagi, string[] select) =>
        JsonDocument.Parse(kagi.Run(null, ["token", "show", "--json", .. select]).Stdout).RootElement.GetProperty("pinState").GetString()!;

    private static string Serial(KagiRunner kagi, string label)
    {
        KagiRun run = kagi.Run(null, "tokens", "--json");
        Assert.True(run.ExitCode == 0, run.All);
        return JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("label").GetString() == label).GetProperty("serial").GetString()!;
    }
}
