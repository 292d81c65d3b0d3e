using System.Diagnostics;

namespace Kagi.Testing;

/// <summary>
/// SoftHSM2 set-up for tests: a private token directory and configuration file per environment, so tests
/// never see the machine's tokens. The module reads SOFTHSM2_CONF once, at C_Initialize, so the test
/// process itself uses <see cref="Process"/>; child processes (the kagi CLI) get an environment of their own.
/// </summary>
public sealed partial class SoftHsm : IDisposable
{
    /// <summary>Debian's SoftHSM2 module.</summary>
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private static readonly Lazy<SoftHsm> ProcessInstance = new(() =>
    {
        var hsm = new SoftHsm();

        // .NET keeps its own copy of the environment on Unix; the module calls getenv(), so set it natively too.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", hsm.ConfigPath);
        if (!OperatingSystem.IsWindows() && NativeMethods.setenv("SOFTHSM2_CONF", hsm.ConfigPath, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed");
        }

        return hsm;
    });

    public SoftHsm()
    {
        Root = Directory.CreateTempSubdirectory("kagi-softhsm-").FullName;
        TokenDirectory = Path.Combine(Root, "tokens");
        Directory.CreateDirectory(TokenDirectory);
        ConfigPath = Path.Combine(Root, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\n");
    }

    /// <summary>The environment this test process uses (SOFTHSM2_CONF is set on first use).</summary>
    public static SoftHsm Process => ProcessInstance.Value;

    public string Root { get; }

    public string TokenDirectory { get; }

    public string ConfigPath { get; }

    /// <summary>
    /// Initializes a token in the first free slot with pkcs11-tool, in a child process pointed at this
    /// environment. PINs travel through environment variables (pkcs11-tool's env: form), not the command line.
    /// </summary>
    public void InitToken(string label, string soPin, string userPin)
    {
        RunPkcs11Tool(soPin, userPin, "--init-token", "--slot-index", FreeSlotIndex().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--label", label, "--so-pin", "env:KAGI_TEST_SO_PIN");
        RunPkcs11Tool(soPin, userPin, "--token-label", label, "--login", "--login-type", "so", "--so-pin", "env:KAGI_TEST_SO_PIN",
            "--init-pin", "--pin", "env:KAGI_TEST_USER_PIN");
    }

    /// <summary>Runs pkcs11-tool against this environment with the given PINs available as env:KAGI_TEST_SO_PIN / env:KAGI_TEST_USER_PIN.</summary>
    public string RunPkcs11Tool(string? soPin, string? userPin, params string[] args)
    {
        var start = new ProcessStartInfo("pkcs11-tool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--module");
        start.ArgumentList.Add(ModulePath);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SOFTHSM2_CONF"] = ConfigPath;
        if (soPin is not null)
        {
            start.Environment["KAGI_TEST_SO_PIN"] = soPin;
        }

        if (userPin is not null)
        {
            start.Environment["KAGI_TEST_USER_PIN"] = userPin;
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"pkcs11-tool {string.Join(' ', args)} failed ({p.ExitCode}): {stdout}{stderr.Result}");
        }

        return stdout + stderr.Result;
    }

    private int FreeSlotIndex()
    {
        // pkcs11-tool prints "Slot <index> (0x<id>): ..." then the token's state; SoftHSM2 keeps one uninitialized slot.
        string list = RunPkcs11Tool(null, null, "--list-slots");
        int current = -1;
        foreach (string line in list.Split('\n'))
        {
            if (line.StartsWith("Slot ", StringComparison.Ordinal))
            {
                current = int.Parse(line.AsSpan(5, line.IndexOf(' ', 5) - 5), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.Contains("token state:", StringComparison.Ordinal) && line.Contains("uninitialized", StringComparison.Ordinal))
            {
                return current;
            }
        }

        throw new InvalidOperationException("SoftHSM2 has no free slot:\n" + list);
    }

    private static partial class NativeMethods
    {
        [System.Runtime.InteropServices.LibraryImport("libc", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
        internal static partial int setenv(string name, string value, int overwrite);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
