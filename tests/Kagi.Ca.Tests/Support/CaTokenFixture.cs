using Kagi.Testing;

namespace Kagi.Ca.Tests.Support;

/// <summary>The SoftHSM2 token of this test project's collection.</summary>
public sealed class CaTokenFixture() : SoftHsmTokenFixture(Label, UserPinValue)
{
    public const string Label = "kagi-ca";
    public const string UserPinValue = "ca-5678";
}

[CollectionDefinition(Name)]
public sealed class CaTokenCollection : ICollectionFixture<CaTokenFixture>
{
    public const string Name = "CA token on SoftHSM2";
}
