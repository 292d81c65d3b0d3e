using Kagi.Pkcs11;
using Kagi.Testing;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// Real SoftHSM2 tokens for the server tests, created in this process's private token directory before the module
/// is loaded (SoftHSM2 only sees tokens that exist at C_Initialize). Each test leases its own token and
/// distributes it (which erases it), using the SO PIN they were created with.
/// </summary>
public sealed class TokenPool : IDisposable
{
    public const string SoPin = "pool-so-pin";
    private const int Size = 24;
    private int _next = -1;

    public TokenPool()
    {
        for (int i = 0; i < Size; i++)
        {
            SoftHsm.Process.InitToken($"pool-{i}", SoPin, "1234");
        }

        Modules = ModuleSet.Open(new KagiSettings { Module = (SoftHsm.ModulePath, ModuleSource.Option) });
        Tokens = new TokenDirectory(Modules).List().Where(t => t.Info.Label.StartsWith("pool-", StringComparison.Ordinal)).ToArray();
    }

    public ModuleSet Modules { get; }

    private AttachedToken[] Tokens { get; }

    /// <summary>A token no other test uses.</summary>
    public Slot Lease()
    {
        int index = Interlocked.Increment(ref _next);
        return index < Tokens.Length ? Tokens[index].Slot : throw new InvalidOperationException("The token pool is exhausted; raise its size.");
    }

    /// <summary>The token in <paramref name="slot"/> as the token service sees it now.</summary>
    public AttachedToken Attached(Slot slot) => new(slot, TokenInfo.From(Modules.Modules[0].Path, slot.Id, slot.GetTokenInfo()));

    public static PinBuffer SoPinBuffer() => PinBuffer.FromChars(SoPin);

    public void Dispose() => Modules.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<TokenPool>
{
    public const string Name = "server with SoftHSM2 tokens";
}
