using Kagi.Pkcs11;
using Kagi.Testing;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Ca.Tests.Support;

/// <summary>One SoftHSM2 token in this process's private token directory, for CA keys and users' keys made on a token.</summary>
public sealed class CaTokenFixture : IDisposable
{
    public const string Label = "kagi-ca";
    public const string UserPin = "ca-5678";

    public CaTokenFixture()
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
public sealed class CaTokenCollection : ICollectionFixture<CaTokenFixture>
{
    public const string Name = "CA token on SoftHSM2";
}
