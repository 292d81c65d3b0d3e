using Kagi.Pkcs11;

namespace Kagi.Tokens.Tokens;

/// <summary>A token present in a slot, with the information read when it was listed.</summary>
/// <param name="Slot">The slot (and through it the module).</param>
/// <param name="Info">The token information at listing time.</param>
public sealed record AttachedToken(Slot Slot, TokenInfo Info)
{
    /// <summary>Reads the token information again (PIN state changes after every login attempt).</summary>
    /// <exception cref="KagiException"><see cref="KagiError.TokenRemoved"/> when the token no longer answers.</exception>
    public TokenInfo Refresh()
    {
        try
        {
            return TokenInfo.From(Info.ModulePath, Slot.Id, Slot.GetTokenInfo());
        }
        catch (Pkcs11Exception e)
        {
            throw new KagiException(KagiError.TokenRemoved, [Info.Serial], e);
        }
    }
}
