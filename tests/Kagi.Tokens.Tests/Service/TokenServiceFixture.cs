using Kagi.Pkcs11;
using Kagi.Testing;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Tests.Service;

/// <summary>One SoftHSM2 token in this process's private token directory, reached through the token service.</summary>
public sealed class TokenServiceFixture : IDisposable
{
    public const string Label = "service";
    public const string UserPin = "5678";

    public TokenServiceFixture()
    {
        SoftHsm.Process.InitToken(Label, "12345678", UserPin);
        Modules = ModuleSet.Open(new KagiSettings { Module = (SoftHsm.ModulePath, ModuleSource.Option) });
        Token = new TokenDirectory(Modules).List().Single(t => t.Info.Label == Label);
    }

    public ModuleSet Modules { get; }

    public AttachedToken Token { get; }

    public TokenSession LoggedIn()
    {
        TokenSession session = TokenSession.Open(Token, readWrite: true);
        using PinBuffer pin = PinBuffer.FromChars(UserPin);
        Assert.Equal(LoginOutcome.Success, session.TryLogin(pin).Outcome);
        return session;
    }

    public void Dispose() => Modules.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TokenServiceCollection : ICollectionFixture<TokenServiceFixture>
{
    public const string Name = "token service on SoftHSM2";
}
