using System.Diagnostics;

namespace Kagi.Ca.Tests.Support;

/// <summary>The real openssl command line tool, the independent judge of what the library produces.</summary>
internal static class OpenSsl
{
    /// <summary>Runs openssl; secrets go in <paramref name="environment"/> (openssl's env: form), never in arguments.</summary>
    public static OpenSslResult Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new OpenSslResult(p.ExitCode, stdout, stderr.Result);
    }

    public static OpenSslResult Run(params string[] args) => Run(null, args);

    /// <summary>Runs openssl and fails the test unless it exits with 0; returns standard output.</summary>
    public static string Ok(params string[] args) => Ok(null, args);

    public static string Ok(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        OpenSslResult result = Run(environment, args);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Output}{result.Error}");
        return result.Output;
    }

    /// <summary>openssl verify of <paramref name="leaf"/> against <paramref name="root"/> with <paramref name="intermediate"/> untrusted.</summary>
    public static OpenSslResult Verify(string root, string intermediate, string leaf, params string[] extra) =>
        Run(["verify", "-CAfile", root, "-untrusted", intermediate, .. extra, leaf]);
}

internal sealed record OpenSslResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}
