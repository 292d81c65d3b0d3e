using Kagi.Testing;

namespace Kagi.Pkcs11.Tests;

/// <summary>One SoftHSM2 token for the binding tests, in a private token directory, and the module loaded on it.</summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string Label = "kagi-binding";
    public const string SoPin = "87654321";
    public const string UserPin = "1234";

    public SoftHsmFixture()
    {
        SoftHsm.Process.InitToken(Label, SoPin, UserPin);
        Module = Pkcs11Module.Load(SoftHsm.ModulePath);
        Slot = Module.GetSlots().Single(s => s.GetTokenInfo().Label == Label);
    }

    public Pkcs11Module Module { get; }

    public Slot Slot { get; }

    public static byte[] Pin(string pin) => System.Text.Encoding.ASCII.GetBytes(pin);

    /// <summary>Opens a read/write session logged in as the user.</summary>
    public Session UserSession()
    {
        Session session = Slot.OpenSession(readWrite: true);
        try
        {
            session.Login(Interop.CKU.CKU_USER, Pin(UserPin));
        }
        catch (Pkcs11Exception e) when (e.Result == Interop.CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per token and application, shared by all sessions of this process.
        }

        return session;
    }

    public void Dispose() => Module.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM2 binding";
}
