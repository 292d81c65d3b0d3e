using Kagi.Pkcs11;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Testing;

/// <summary>
/// One SoftHSM2 token in this process's private token directory, reached through the token service. Test projects
/// derive a fixture per token (label and user PIN) for their collections.
/// </summary>
public abstract class SoftHsmTokenFixture : IDisposable
{
    protected SoftHsmTokenFixture(string label, string userPin)
    {
        UserPin = userPin;
        SoftHsm.Process.InitToken(label, "12345678", userPin);
        Modules = ModuleSet.Open(new KagiSettings { Module = (SoftHsm.ModulePath, ModuleSource.Option) });
        Token = new TokenDirectory(Modules).List().Single(t => t.Info.Label == label);
    }

    public string UserPin { get; }

    public ModuleSet Modules { get; }

    public AttachedToken Token { get; }

    /// <summary>A read/write session logged in as the user.</summary>
    public TokenSession LoggedIn()
    {
        TokenSession session = TokenSession.Open(Token, readWrite: true);
        using PinBuffer pin = PinBuffer.FromChars(UserPin);
        Assert.Equal(LoginOutcome.Success, session.TryLogin(pin).Outcome);
        return session;
    }

    public void Dispose()
    {
        Modules.Dispose();
        GC.SuppressFinalize(this);
    }
}
