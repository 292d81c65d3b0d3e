using Kagi.Testing;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

public class CliPinTests
{
    [Fact]
    public void Wrong_pin_reports_the_pin_state_and_never_echoes_the_pin()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("pins", "12345678", "1234");
        KagiRun wrong = kagi.Run("9Z8Y7X\n", "login", "--pin-stdin", "--lang", "en", "--json");
        Assert.Equal(6, wrong.ExitCode);
        Assert.Contains("PIN is incorrect", wrong.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("9Z8Y7X", wrong.All, StringComparison.Ordinal);
        JsonElement json = JsonDocument.Parse(wrong.Stdout).RootElement;
        Assert.Equal("wrongPin", json.GetProperty("outcome").GetString());
        Assert.Equal("countLow", json.GetProperty("pinState").GetString()); // SoftHSM2 flags COUNT_LOW after one failure

        Assert.Equal(0, kagi.Run("1234\n", "login", "--pin-stdin").ExitCode);
    }

    [Theory]
    [InlineData("1234\n１２３４\n１２３４\n", "Full-width characters")]
    [InlineData("1234\nab12cd\nab12ce\n", "differ")]
    [InlineData("1234\n1234\n1234\n", "must differ from the current")]
    [InlineData("1234\nab1\nab1\n", "Use 4 to 8 characters")]
    [InlineData("1234\nab12cd3456\nab12cd3456\n", "Use 4 to 8 characters")]
    [InlineData("1234\nab 12\nab 12\n", "half-width letters and digits")]
    [InlineData("1234\n5678\n5678\n", "run such as 1234")]
    [InlineData("1234\n19850412\n19850412\n", "looks like a date")]
    [InlineData("1234\nR051231\nR051231\n", "Japanese calendar")]
    [InlineData("1234\npassword\npassword\n", "commonly used")]
    [InlineData("1234\nqwerty12\nqwerty12\n", "follows the keyboard")]
    [InlineData("1234\n1q2w3e4r\n1q2w3e4r\n", "follows the keyboard")]
    [InlineData("1234\na1b2c3d4\na1b2c3d4\n", "interleaves two runs")]
    public void Bad_new_pins_are_refused_with_a_reason_and_the_token_is_untouched(string stdin, string reason)
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("policy", "12345678", "1234");
        KagiRun run = kagi.Run(stdin, "pin", "change", "--pin-stdin", "--lang", "en");
        Assert.Equal(8, run.ExitCode);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, kagi.Run("1234\n", "login", "--pin-stdin").ExitCode); // the old PIN still works
        Assert.Equal("ok", JsonDocument.Parse(kagi.Run(null, "token", "show", "--json").Stdout).RootElement.GetProperty("pinState").GetString());
    }

    [Fact]
    public void Pin_change_with_wrong_current_pin_fails_and_a_good_change_takes_effect()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("change", "12345678", "1234");
        KagiRun wrong = kagi.Run("4321\nk7d4m2x9\nk7d4m2x9\n", "pin", "change", "--pin-stdin", "--lang", "en");
        Assert.Equal(6, wrong.ExitCode);

        KagiRun ok = kagi.Run("1234\nk7d4m2x9\nk7d4m2x9\n", "pin", "change", "--pin-stdin", "--name", "Taro Yamada", "--json");
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Equal("changed", JsonDocument.Parse(ok.Stdout).RootElement.GetProperty("outcome").GetString());
        Assert.Equal(6, kagi.Run("1234\n", "login", "--pin-stdin").ExitCode);
        Assert.Equal(0, kagi.Run("k7d4m2x9\n", "login", "--pin-stdin").ExitCode);
    }

    [Fact]
    public void Current_pin_outside_the_policy_is_accepted_for_a_change()
    {
        // Tokens may carry PINs set by other tools: a 12-character current PIN is never length-checked.
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("long", "12345678", "long-pin-1234");
        KagiRun ok = kagi.Run("long-pin-1234\nq8w3e5r1\nq8w3e5r1\n", "pin", "change", "--pin-stdin");
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Equal(0, kagi.Run("q8w3e5r1\n", "login", "--pin-stdin").ExitCode);
    }

    [Theory]
    [InlineData("k7d4m2x9", "high", 0)]
    [InlineData("taro1357", "low", 8)]
    [InlineData("1111", "low", 8)]
    [InlineData("09012345678", "low", 8)]
    [InlineData("iloveyou", "low", 8)]
    [InlineData("zxcv5678", "low", 8)]
    [InlineData("a1b2c3d4", "low", 8)]
    public void Strength_is_rated_without_a_token(string pin, string level, int exit)
    {
        using var kagi = new KagiRunner();
        KagiRun run = kagi.Run(pin + "\n", "pin", "strength", "--pin-stdin", "--name", "Taro Yamada", "--json");
        Assert.Equal(exit, run.ExitCode);
        Assert.Equal(level, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("level").GetString());
        Assert.DoesNotContain(pin, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_pin_on_stdin_is_a_usage_error()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("nopin", "12345678", "1234");
        KagiRun run = kagi.Run(string.Empty, "login", "--pin-stdin", "--lang", "en");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("PIN is needed", run.Stderr, StringComparison.Ordinal);
    }
}
