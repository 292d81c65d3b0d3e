using Kagi.Pkcs11;
using Kagi.Tokens.Modules;

namespace Kagi.Tokens.Tokens;

/// <summary>Lists the tokens attached through a <see cref="ModuleSet"/> and picks the one an operation works on.</summary>
public sealed class TokenDirectory(ModuleSet modules)
{
    /// <summary>The modules searched.</summary>
    public ModuleSet Modules { get; } = modules;

    /// <summary>Every token present in every module. Slots whose token cannot be read (being removed, uninitialized) are skipped.</summary>
    /// <exception cref="KagiException"><see cref="KagiError.NoModule"/> when no module is available.</exception>
    public IReadOnlyList<AttachedToken> List()
    {
        if (Modules.Modules.Count == 0)
        {
            throw new KagiException(KagiError.NoModule, [string.Join(", ", Modules.Candidates.Select(c => c.Path))]);
        }

        var tokens = new List<AttachedToken>();
        foreach (Pkcs11Module module in Modules.Modules)
        {
            IReadOnlyList<Slot> slots;
            try
            {
                slots = module.GetSlots(tokenPresent: true);
            }
            catch (Pkcs11Exception)
            {
                continue;
            }

            foreach (Slot slot in slots)
            {
                try
                {
                    TokenInfo info = TokenInfo.From(module.Path, slot.Id, slot.GetTokenInfo());
                    if ((info.Flags & Pkcs11.Interop.CKF.CKF_TOKEN_INITIALIZED) != 0)
                    {
                        tokens.Add(new AttachedToken(slot, info));
                    }
                }
                catch (Pkcs11Exception)
                {
                    // CKR_TOKEN_NOT_PRESENT / CKR_DEVICE_REMOVED / CKR_GENERAL_ERROR while a token is pulled.
                }
            }
        }

        return tokens;
    }

    /// <summary>
    /// The token an operation works on: the one with serial <paramref name="serial"/>, or the only one attached.
    /// </summary>
    /// <exception cref="KagiException">
    /// <see cref="KagiError.NoToken"/>, <see cref="KagiError.SeveralTokens"/> (arguments: the attached serials and
    /// labels) or <see cref="KagiError.TokenNotFound"/> (arguments: the serial asked for, then what is attached).
    /// </exception>
    public AttachedToken Select(string? serial)
    {
        IReadOnlyList<AttachedToken> tokens = List();
        string[] attached = tokens.Select(t => $"{t.Info.Serial} ({t.Info.Label})").ToArray();
        if (!string.IsNullOrWhiteSpace(serial))
        {
            AttachedToken[] matching = tokens.Where(t => string.Equals(t.Info.Serial, serial.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
            return matching.Length switch
            {
                1 => matching[0],
                0 => throw new KagiException(KagiError.TokenNotFound, [serial, .. attached]),
                _ => throw new KagiException(KagiError.SeveralTokens, attached),
            };
        }

        return tokens.Count switch
        {
            0 => throw new KagiException(KagiError.NoToken),
            1 => tokens[0],
            _ => throw new KagiException(KagiError.SeveralTokens, attached),
        };
    }
}
