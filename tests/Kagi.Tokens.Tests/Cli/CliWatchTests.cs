using Kagi.Testing;
using System.Diagnostics;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

public class CliWatchTests
{
    [Fact]
    public async Task Watch_reports_tokens_inserted_and_removed_by_other_programs()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("present", "12345678", "1234");
        using Process watch = Process.Start(kagi.StartInfo("watch", "--json", "--interval", "200"))!;
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        _ = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }

            lines.CompleteAdding();
        });

        try
        {
            JsonElement Next()
            {
                Assert.True(lines.TryTake(out string? line, TimeSpan.FromSeconds(20)), "no event from kagi watch");
                return JsonDocument.Parse(line!).RootElement;
            }

            JsonElement initial = Next();
            Assert.Equal("inserted", initial.GetProperty("event").GetString());
            Assert.Equal("present", initial.GetProperty("token").GetProperty("label").GetString());

            kagi.Hsm.InitToken("plugged", "12345678", "1234");
            JsonElement inserted = Next();
            Assert.Equal("inserted", inserted.GetProperty("event").GetString());
            Assert.Equal("plugged", inserted.GetProperty("token").GetProperty("label").GetString());

            RunSoftHsmUtil(kagi, "--delete-token", "--token", "plugged");
            JsonElement removed = Next();
            Assert.Equal("removed", removed.GetProperty("event").GetString());
            Assert.Equal("plugged", removed.GetProperty("token").GetProperty("label").GetString());
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    private static void RunSoftHsmUtil(KagiRunner kagi, params string[] args)
    {
        var start = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SOFTHSM2_CONF"] = kagi.Hsm.ConfigPath;
        using Process p = Process.Start(start)!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
    }
}
