namespace Kagi.Registry.Tests;

public class SmokeTests
{
    [Fact]
    public void Sqlite_provider_loads() => Assert.StartsWith("3.", Kagi.Registry.SqliteSmoke.Version(), StringComparison.Ordinal);
}
