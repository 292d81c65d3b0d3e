using System.Text.Json;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The agent's token poll, a module opened again and again, and kagi watch against the real libopencryptoki, in
/// kagi-ock-child (never in this process, see <see cref="OpencryptokiChild"/>). libopencryptoki 3.8.1 closes the
/// file descriptor that has the number of its first API lock fd in every C_Finalize after a second C_Initialize;
/// before Kagi.Pkcs11 initialized a module at most once unless it is known to survive it (ModuleQuirks), each poll
/// re-initialized it and the listening sockets the child opened on that number stopped accepting connections
/// ("connection refused"). No login: the token's PIN state is not touched.
/// </summary>
public class OpencryptokiPollTests
{
    [Fact]
    public void Polling_opencryptoki_initializes_it_once_and_closes_no_descriptor_of_the_process()
    {
        JsonElement report = OpencryptokiChild.Poll(rounds: 5);
        string Text(JsonElement e) => e.GetRawText();

        Assert.True(report.GetProperty("tokenSeen").GetBoolean(), Text(report));
        Assert.True(report.GetProperty("lockFd").GetInt32() >= 0, Text(report));

        // The API lock file opened by the one C_Initialize is still open under its number: never finalized meanwhile.
        Assert.EndsWith("/LCK..APIlock", report.GetProperty("lockFdAtEnd").GetString(), StringComparison.Ordinal);
        Assert.True(report.GetProperty("listeners").GetInt32() > 15, Text(report));
        Assert.Empty(report.GetProperty("changed").EnumerateArray());
        Assert.Empty(report.GetProperty("refused").EnumerateArray());
    }
}
