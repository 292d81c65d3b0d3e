using System.Diagnostics;

namespace Kagi.Testing;

/// <summary>The result of one kagi run.</summary>
public sealed record KagiRun(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;
}

/// <summary>
/// Runs the real kagi CLI (the kagi.dll built beside the tests) as a child process against a private SoftHSM2
/// environment, with the module given by KAGI_PKCS11_MODULE and no user configuration file.
/// </summary>
public sealed class KagiRunner : IDisposable
{
    public KagiRunner()
    {
        Hsm = new SoftHsm();
    }

    public SoftHsm Hsm { get; }

    public string Module { get; set; } = SoftHsm.ModulePath;

    public static string KagiDll => Path.Combine(AppContext.BaseDirectory, "kagi.dll");

    /// <summary>Extra environment variables for every run (e.g. KAGI_API_KEY).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public KagiRun Run(string? stdin, params string[] args) => Run(stdin, TimeSpan.FromSeconds(60), args);

    public KagiRun Run(string? stdin, TimeSpan timeout, params string[] args)
    {
        using Process p = Process.Start(StartInfo(args))!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }

        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kagi {string.Join(' ', args)} did not finish");
        }

        return new KagiRun(p.ExitCode, stdout.Result, stderr.Result);
    }

    public ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(KagiDll);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SOFTHSM2_CONF"] = Hsm.ConfigPath;
        start.Environment["KAGI_PKCS11_MODULE"] = Module;
        start.Environment["KAGI_CONFIG"] = Path.Combine(Hsm.Root, "no-config.json");
        start.Environment.Remove("KAGI_TOKEN");
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        start.Environment.Remove("KAGI_LANG");
        return start;
    }

    public void Dispose() => Hsm.Dispose();
}
