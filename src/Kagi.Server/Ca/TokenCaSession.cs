using Kagi.Pkcs11;
using Kagi.Server.Options;
using Kagi.Tokens;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Server.Ca;

/// <summary>The logged-in session on the token that holds the CA keys, open for the server's lifetime.</summary>
public sealed class TokenCaSession : IDisposable
{
    private readonly ModuleSet _modules;

    private TokenCaSession(ModuleSet modules, TokenSession session)
    {
        _modules = modules;
        Session = session;
    }

    /// <summary>The session (logged in as the user).</summary>
    public TokenSession Session { get; }

    /// <summary>Opens the configured module, selects the token and logs in.</summary>
    /// <exception cref="KagiException">The module or token cannot be used.</exception>
    /// <exception cref="InvalidOperationException">The PIN is missing, wrong or locked.</exception>
    public static TokenCaSession Open(CaOptions options)
    {
        if (string.IsNullOrEmpty(options.TokenPin))
        {
            throw new InvalidOperationException("Kagi:Ca:TokenPin is required with Kagi:Ca:Pkcs11Module (set KAGI__CA__TOKENPIN).");
        }

        ModuleSet modules = ModuleSet.Open(new KagiSettings { Module = (options.Pkcs11Module!, ModuleSource.ConfigFile) });
        try
        {
            AttachedToken token = new TokenDirectory(modules).Select(options.TokenSerial);
            TokenSession session = TokenSession.Open(token, readWrite: true);
            using PinBuffer pin = PinBuffer.FromChars(options.TokenPin);
            LoginResult login = session.TryLogin(pin);
            if (!login.LoggedIn)
            {
                session.Dispose();
                throw new InvalidOperationException($"The CA token refused its PIN ({login.Outcome}, PIN state {login.PinState}).");
            }

            return new TokenCaSession(modules, session);
        }
        catch
        {
            modules.Dispose();
            throw;
        }
    }

    /// <summary>Logs out and releases the module.</summary>
    public void Dispose()
    {
        Session.Dispose();
        _modules.Dispose();
    }
}
