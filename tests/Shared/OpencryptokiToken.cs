using System.Diagnostics;

namespace Kagi.Testing;

/// <summary>
/// The opencryptoki soft token that scripts/opencryptoki-setup.sh prepares (the token here that really locks after
/// three wrong user PINs), with the TEST credentials from scripts/opencryptoki.env. Hold <see cref="OpencryptokiLock"/>
/// while using it.
/// </summary>
public sealed class OpencryptokiToken
{
    private readonly Dictionary<string, string> _values;

    private OpencryptokiToken(Dictionary<string, string> values) => _values = values;

    /// <summary>The PKCS#11 module (OCK_MODULE).</summary>
    public string Module => _values["OCK_MODULE"];

    /// <summary>The token label (OCK_TOKEN_LABEL).</summary>
    public string Label => _values["OCK_TOKEN_LABEL"];

    /// <summary>The documented user PIN (OCK_USER_PIN).</summary>
    public string UserPin => _values["OCK_USER_PIN"];

    /// <summary>The documented SO PIN (OCK_SO_PIN).</summary>
    public string SoPin => _values["OCK_SO_PIN"];

    /// <summary>Reads scripts/opencryptoki.env from the repository above the test binaries.</summary>
    /// <exception cref="InvalidOperationException">The file is missing: run scripts/setup-system.sh.</exception>
    public static OpencryptokiToken Read()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "scripts", "opencryptoki.env")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is null)
        {
            throw new InvalidOperationException("scripts/opencryptoki.env not found: run scripts/setup-system.sh");
        }

        return new OpencryptokiToken(File.ReadAllLines(Path.Combine(dir, "scripts", "opencryptoki.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal));
    }

    /// <summary>
    /// The SO sets the user PIN back to <see cref="UserPin"/> (C_InitPIN through pkcs11-tool), which also unlocks the
    /// token and clears its wrong-PIN count. The PINs travel in the child's environment, never on its command line.
    /// </summary>
    /// <exception cref="InvalidOperationException">pkcs11-tool failed (its output says why).</exception>
    public void ResetUserPin()
    {
        var start = new ProcessStartInfo("pkcs11-tool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            "--module", Module, "--token-label", Label, "--login", "--login-type", "so",
            "--so-pin", "env:KAGI_OCK_SO_PIN", "--init-pin", "--new-pin", "env:KAGI_OCK_USER_PIN",
        })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["KAGI_OCK_SO_PIN"] = SoPin;
        start.Environment["KAGI_OCK_USER_PIN"] = UserPin;
        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("pkcs11-tool --init-pin did not finish");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("SO C_InitPIN failed: " + stdout.Result + stderr.Result);
        }
    }
}
