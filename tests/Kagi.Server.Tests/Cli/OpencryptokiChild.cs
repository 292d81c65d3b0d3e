using System.Diagnostics;
using System.Text.Json;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// Runs kagi-ock-child (tests/Kagi.Testing.OpencryptokiChild, built beside the tests): the opencryptoki steps that
/// need Kagi's own PKCS#11 code, in a process of their own. libopencryptoki must never be loaded into this test
/// process: from its second C_Initialize on, each C_Finalize closes whatever file descriptor has the number of its
/// first API lock fd (and its TPM token's libtspi closes a socket twice during C_Initialize): the cause of Kestrel
/// listeners refusing connections and Npgsql sockets failing with ENOTSOCK in tests running beside it. See Program.cs of
/// that project and scripts/dev/ock-fd-repro.
/// </summary>
internal static class OpencryptokiChild
{
    /// <summary>The token's objects (class/id/label), read with the documented user PIN.</summary>
    public static HashSet<string> Objects() => Names(Run("objects", stdin: null));

    /// <summary>A random transport PIN and Kagi's RSA-2048 distribution key on the token (no C_InitToken).</summary>
    public static Distributed Distribute()
    {
        JsonElement json = JsonDocument.Parse(Run("distribute", stdin: null)).RootElement;
        return new Distributed(
            json.GetProperty("serial").GetString()!,
            json.GetProperty("manufacturer").GetString()!,
            json.GetProperty("model").GetString()!,
            json.GetProperty("publicKey").GetString()!,
            json.GetProperty("transportPin").GetString()!);
    }

    /// <summary>The documented user PIN again (SO C_InitPIN); every object not in <paramref name="keep"/> destroyed.</summary>
    /// <returns>The objects left.</returns>
    public static HashSet<string> Restore(IEnumerable<string> keep) => Names(Run("restore", string.Join('\n', keep) + "\n"));

    /// <summary>
    /// Kagi's key pairs generated on the token with the documented user PIN, their attributes read back and the keys
    /// destroyed (see the keys command in Program.cs).
    /// </summary>
    public static JsonElement Keys() => JsonDocument.Parse(Run("keys", stdin: null)).RootElement;

    /// <summary>
    /// The product's token-polling paths (agent DeviceHub, ModuleSet Open/Dispose, kagi watch) for
    /// <paramref name="rounds"/> rounds each in the child, which opens a listening socket after every round; its
    /// report (see the poll command in Program.cs).
    /// </summary>
    public static JsonElement Poll(int rounds) => JsonDocument.Parse(Run("poll " + rounds, stdin: null)).RootElement;

    private static HashSet<string> Names(string output) =>
        new(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    private static string Run(string command, string? stdin)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kagi-ock-child.dll"));
        foreach (string argument in command.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin ?? string.Empty);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kagi-ock-child {command} did not finish");
        }

        // Only stderr in the message: the distribute output holds the transport PIN.
        Assert.True(p.ExitCode == 0, $"kagi-ock-child {command} exited with {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>What the operator registers with the server after distributing the token.</summary>
    public sealed record Distributed(string Serial, string Manufacturer, string Model, string PublicKey, string TransportPin);
}
