using Kagi.Testing;

namespace Kagi.Tokens.Tests.Service;

/// <summary>The SoftHSM2 token of this test project's collection.</summary>
public sealed class TokenServiceFixture() : SoftHsmTokenFixture(Label, UserPinValue)
{
    public const string Label = "service";
    public const string UserPinValue = "5678";
}

[CollectionDefinition(Name)]
public sealed class TokenServiceCollection : ICollectionFixture<TokenServiceFixture>
{
    public const string Name = "token service on SoftHSM2";
}
