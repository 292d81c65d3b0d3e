using System.Diagnostics;

namespace Kagi.Enrollment;

/// <summary>
/// Test hook, documented in docs/cli.md ("Test hooks"): named points of certificate storage where a test can make
/// the process die or wait. Killing a process with <c>kill -9</c> from outside lands at a random instruction, so a
/// test could never say which step was interrupted; these points let the interruption tests stop the real CLI
/// at an exact step and then prove that a rerun completes the same order.
/// <list type="bullet">
/// <item><c>KAGI_TEST_KILL_AT=point</c>: the process kills itself with SIGKILL (no cleanup, no finally blocks,
/// no PKCS#11 C_Finalize), exactly like <c>kill -9</c> or a pulled power cord at that point.</item>
/// <item><c>KAGI_TEST_PAUSE_AT=point</c> with <c>KAGI_TEST_PAUSE_FILE=path</c>: creates the file and waits (at most
/// two minutes) until the test deletes it, so the test can change the world (stop the server, remove the token)
/// at that point.</item>
/// </list>
/// The variables only make a user's own process stop or wait; they cannot change what is sent or stored.
/// </summary>
public static class EnrollmentTestHook
{
    /// <summary>After STEP 1 (token authenticated).</summary>
    public const string AfterStep1 = "after-step1";

    /// <summary>After STEP 2 (assigned user read).</summary>
    public const string AfterStep2 = "after-step2";

    /// <summary>After STEP 3 (storage PIN verified, hence spent).</summary>
    public const string AfterStep3 = "after-step3";

    /// <summary>After the key pair was generated on the token.</summary>
    public const string AfterKeyGeneration = "after-keygen";

    /// <summary>Before the certificate request is sent.</summary>
    public const string BeforeCertificateRequest = "before-certificate";

    /// <summary>After the certificate was issued, before it was written to the token.</summary>
    public const string AfterIssue = "after-issue";

    /// <summary>
    /// While writing: the CA chain is on the token, the user certificate not yet (also reached when a restore writes).
    /// </summary>
    public const string AfterChainWrite = "after-chain";

    /// <summary>After the certificate was written, before the user PIN was set.</summary>
    public const string AfterWrite = "after-write";

    /// <summary>After the user PIN was set, before the server was told the certificate is stored.</summary>
    public const string AfterPinSet = "after-pinset";

    /// <summary>
    /// On a reissued order, after the earlier generations' key pairs and certificates were removed from the token,
    /// before the server was told the new certificate is stored (reached, with nothing removed, on every run).
    /// </summary>
    public const string AfterSupersededRemoved = "after-superseded-removed";

    /// <summary>Dies or waits here when the environment asks for <paramref name="point"/>; otherwise does nothing.</summary>
    /// <param name="point">One of the constants of this class.</param>
    public static void Reached(string point)
    {
        if (Environment.GetEnvironmentVariable("KAGI_TEST_KILL_AT") == point)
        {
            using Process self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }

        if (Environment.GetEnvironmentVariable("KAGI_TEST_PAUSE_AT") == point
            && Environment.GetEnvironmentVariable("KAGI_TEST_PAUSE_FILE") is { Length: > 0 } file)
        {
            File.WriteAllText(file, point);
            var waited = Stopwatch.StartNew();
            while (File.Exists(file) && waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(50);
            }
        }
    }
}
