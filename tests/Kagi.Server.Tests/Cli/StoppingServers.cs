namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The CLI test classes that stop their server or pull their token in the middle of a run. They run one after
/// another, so no other class of this group starts a server while one is stopped. The "connection refused" once seen
/// in CI, first put down to these classes running side by side, came from libopencryptoki, which this test process
/// loaded at the time: from its second C_Initialize on, each C_Finalize closed whatever descriptor had the number of
/// its first API lock fd, there a RealServer's Kestrel listener (see <see cref="OpencryptokiChild"/> and
/// scripts/dev/ock-fd-repro; Kagi.Pkcs11's ModuleQuirks now initializes such a module only once per process).
/// </summary>
[CollectionDefinition(Name)]
public sealed class StoppingServers
{
    public const string Name = "CLI tests that stop servers";
}
