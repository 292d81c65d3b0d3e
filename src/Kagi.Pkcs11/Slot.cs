using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>A slot of a <see cref="Pkcs11Module"/>, identified by its CK_SLOT_ID.</summary>
public sealed class Slot
{
    internal Slot(Pkcs11Module module, ulong id)
    {
        Module = module;
        Id = id;
    }

    /// <summary>The module the slot belongs to.</summary>
    public Pkcs11Module Module { get; }

    /// <summary>The CK_SLOT_ID.</summary>
    public ulong Id { get; }

    /// <summary>C_GetSlotInfo.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public CkSlotInfo GetSlotInfo()
    {
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_GetSlotInfo(Id, out CkSlotInfo? info), "C_GetSlotInfo");
        return info!;
    }

    /// <summary>C_GetTokenInfo.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error (CKR_TOKEN_NOT_PRESENT when the token was pulled).</exception>
    public CkTokenInfo GetTokenInfo()
    {
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_GetTokenInfo(Id, out CkTokenInfo? info), "C_GetTokenInfo");
        return info!;
    }

    /// <summary>C_GetMechanismList.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public IReadOnlyList<ulong> GetMechanisms()
    {
        ulong count = 0;
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_GetMechanismList(Id, null, ref count), "C_GetMechanismList");
        var list = new ulong[count];
        if (count > 0)
        {
            Pkcs11Exception.ThrowIfFailed(Module.Library.C_GetMechanismList(Id, list, ref count), "C_GetMechanismList");
        }

        return list.Take((int)count).ToArray();
    }

    /// <summary>C_GetMechanismInfo.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error (CKR_MECHANISM_INVALID when unsupported).</exception>
    public CkMechanismInfo GetMechanismInfo(ulong mechanism)
    {
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_GetMechanismInfo(Id, mechanism, out CkMechanismInfo? info), "C_GetMechanismInfo");
        return info!;
    }

    /// <summary>C_OpenSession (serial; read/write when <paramref name="readWrite"/>).</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public Session OpenSession(bool readWrite = false)
    {
        CKR rv = Module.Library.C_OpenSession(Id, readWrite ? CKF.CKF_RW_SESSION : 0, out ulong handle);
        Pkcs11Exception.ThrowIfFailed(rv, "C_OpenSession");
        return new Session(this, handle);
    }

    /// <summary>C_CloseAllSessions.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void CloseAllSessions() =>
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_CloseAllSessions(Id), "C_CloseAllSessions");

    /// <summary>C_InitToken: erases the token and gives it <paramref name="label"/> (blank-padded to 32 bytes).</summary>
    /// <exception cref="ArgumentException">The label is longer than 32 bytes in UTF-8.</exception>
    /// <exception cref="Pkcs11Exception">The module returned an error (e.g. CKR_PIN_INCORRECT for a wrong SO PIN).</exception>
    public void InitToken(ReadOnlySpan<byte> soPin, string label)
    {
        byte[] padded = PaddedText.Encode(label, 32);
        Pkcs11Exception.ThrowIfFailed(Module.Library.C_InitToken(Id, soPin, padded), "C_InitToken");
    }
}
