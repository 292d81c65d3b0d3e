using Kagi.Testing;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

public class CliTokenTests
{
    [Fact]
    public void Tokens_json_has_the_documented_fields()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("alpha", "12345678", "1234");
        KagiRun run = kagi.Run(null, "tokens", "--json");
        Assert.Equal(0, run.ExitCode);
        JsonElement token = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray());
        Assert.Equal("alpha", token.GetProperty("label").GetString());
        Assert.Equal("SoftHSM project", token.GetProperty("manufacturer").GetString());
        Assert.Equal("SoftHSM v2", token.GetProperty("model").GetString());
        Assert.Matches("^[0-9a-f]{16}$", token.GetProperty("serial").GetString());
        Assert.Equal("ok", token.GetProperty("pinState").GetString());
    }

    [Fact]
    public void Write_commands_refuse_several_tokens_and_list_them_then_accept_a_serial()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("first", "12345678", "1234");
        kagi.Hsm.InitToken("second", "12345678", "1234");
        string[] serials = JsonDocument.Parse(kagi.Run(null, "tokens", "--json").Stdout).RootElement.EnumerateArray()
            .Select(t => t.GetProperty("serial").GetString()!).ToArray();
        Assert.Equal(2, serials.Length);

        KagiRun several = kagi.Run("1234\n", "login", "--pin-stdin", "--lang", "en");
        Assert.Equal(4, several.ExitCode);
        Assert.Contains("Several tokens", several.Stderr, StringComparison.Ordinal);
        Assert.All(serials, s => Assert.Contains(s, several.Stderr, StringComparison.Ordinal));

        Assert.Equal(0, kagi.Run("1234\n", "login", "--pin-stdin", "--token", serials[1]).ExitCode);
        KagiRun unknown = kagi.Run("1234\n", "login", "--pin-stdin", "--token", "0000000000000000", "--lang", "en");
        Assert.Equal(5, unknown.ExitCode);
        Assert.Contains(serials[0], unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_token_is_a_clear_error_in_both_languages()
    {
        using var kagi = new KagiRunner();
        KagiRun en = kagi.Run(null, "token", "show", "--lang", "en");
        Assert.Equal(3, en.ExitCode);
        Assert.Contains("No token is attached", en.Stderr, StringComparison.Ordinal);
        KagiRun ja = kagi.Run(null, "token", "show", "--lang", "ja");
        Assert.Equal(3, ja.ExitCode);
        Assert.Contains("トークンが接続されていません", ja.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_module_and_bad_usage_have_their_own_exit_codes()
    {
        using var kagi = new KagiRunner { Module = "/nonexistent/libmissing.so" };
        KagiRun missing = kagi.Run(null, "tokens", "--lang", "en");
        Assert.Equal(9, missing.ExitCode);
        Assert.Contains("/nonexistent/libmissing.so", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("not found", missing.Stderr, StringComparison.Ordinal);

        Assert.Equal(2, kagi.Run(null, "tokens", "--no-such-option").ExitCode);
        Assert.Equal(2, kagi.Run(null, "cert", "export", "x", "--out", "/tmp/x", "--format", "xml").ExitCode);
    }

    [Fact]
    public void Token_show_decodes_flags_and_pin_limits()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("show-me", "12345678", "1234");
        KagiRun run = kagi.Run(null, "token", "show", "--json");
        Assert.Equal(0, run.ExitCode);
        JsonElement t = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(4, t.GetProperty("minPinLength").GetInt32());
        string[] flags = t.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray();
        Assert.Contains("tokenInitialized", flags);
        Assert.Contains("userPinInitialized", flags);
        Assert.Contains("loginRequired", flags);
    }
}
