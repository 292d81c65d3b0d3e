namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The CLI test classes that stop their server or pull their token in the middle of a run. They run one after
/// another, so no other class of this group starts a server while one is stopped (a "connection refused" seen once
/// in CI came from these classes running side by side).
/// </summary>
[CollectionDefinition(Name)]
public sealed class StoppingServers
{
    public const string Name = "CLI tests that stop servers";
}
