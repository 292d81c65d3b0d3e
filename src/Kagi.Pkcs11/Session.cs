using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>
/// An open PKCS#11 session. Disposing closes it (C_CloseSession). A session is not thread-safe; PKCS#11
/// allows one operation at a time per session.
/// </summary>
public sealed class Session : IDisposable
{
    private bool _closed;

    internal Session(Slot slot, ulong handle)
    {
        Slot = slot;
        Handle = handle;
    }

    /// <summary>The slot the session was opened on.</summary>
    public Slot Slot { get; }

    /// <summary>The CK_SESSION_HANDLE.</summary>
    public ulong Handle { get; }

    private Pkcs11Library Library
    {
        get
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            return Slot.Module.Library;
        }
    }

    private static NativeAbi Abi => NativeAbi.Current;

    /// <summary>C_GetSessionInfo.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public CkSessionInfo GetInfo()
    {
        Pkcs11Exception.ThrowIfFailed(Library.C_GetSessionInfo(Handle, out CkSessionInfo? info), "C_GetSessionInfo");
        return info!;
    }

    /// <summary>C_Login with a PIN given as bytes.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error, e.g. CKR_PIN_INCORRECT or CKR_PIN_LOCKED.</exception>
    public void Login(ulong userType, ReadOnlySpan<byte> pin) =>
        Pkcs11Exception.ThrowIfFailed(Library.C_Login(Handle, userType, pin), "C_Login");

    /// <summary>C_Login with a NULL PIN: the token's protected authentication path (PIN pad) collects it.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void LoginWithProtectedPath(ulong userType) =>
        Pkcs11Exception.ThrowIfFailed(Library.C_Login(Handle, userType, [], protectedPath: true), "C_Login");

    /// <summary>C_Logout.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void Logout() => Pkcs11Exception.ThrowIfFailed(Library.C_Logout(Handle), "C_Logout");

    /// <summary>C_InitPIN: as SO, sets (or resets and unlocks) the user PIN.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void InitPin(ReadOnlySpan<byte> pin) => Pkcs11Exception.ThrowIfFailed(Library.C_InitPIN(Handle, pin), "C_InitPIN");

    /// <summary>C_SetPIN: changes the PIN of the user logged in (or the user's PIN when none is).</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error, e.g. CKR_PIN_INCORRECT for a wrong current PIN.</exception>
    public void SetPin(ReadOnlySpan<byte> oldPin, ReadOnlySpan<byte> newPin) =>
        Pkcs11Exception.ThrowIfFailed(Library.C_SetPIN(Handle, oldPin, newPin), "C_SetPIN");

    /// <summary>Finds every object matching <paramref name="template"/> (C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal).</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public IReadOnlyList<ulong> FindObjects(params ObjectAttribute[] template)
    {
        using (AttributeArray native = ToNative(template))
        {
            Pkcs11Exception.ThrowIfFailed(Library.C_FindObjectsInit(Handle, native), "C_FindObjectsInit");
        }

        var result = new List<ulong>();
        try
        {
            Span<ulong> batch = stackalloc ulong[32];
            while (true)
            {
                Pkcs11Exception.ThrowIfFailed(Library.C_FindObjects(Handle, batch, out int found), "C_FindObjects");
                for (int i = 0; i < found; i++)
                {
                    result.Add(batch[i]);
                }

                if (found < batch.Length)
                {
                    break;
                }
            }
        }
        finally
        {
            Library.C_FindObjectsFinal(Handle);
        }

        return result;
    }

    /// <summary>
    /// Reads attributes of an object with the two-call length protocol. Attributes the token reports as
    /// sensitive or not present (CK_UNAVAILABLE_INFORMATION, CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID)
    /// come back with a null value instead of failing the whole read.
    /// </summary>
    /// <exception cref="Pkcs11Exception">Any other error.</exception>
    public IReadOnlyList<AttributeValue> GetAttributes(ulong objectHandle, params ulong[] types)
    {
        using var array = new AttributeArray(Abi, types.Length);
        for (int i = 0; i < types.Length; i++)
        {
            array.SetQuery(i, types[i]);
        }

        CKR rv = Library.C_GetAttributeValue(Handle, objectHandle, array);
        if (rv is CKR.CKR_ATTRIBUTE_SENSITIVE or CKR.CKR_ATTRIBUTE_TYPE_INVALID && types.Length > 1)
        {
            // Some modules do not mark which attribute was refused; ask one by one.
            return types.Select(t => GetAttributes(objectHandle, t)[0]).ToArray();
        }

        if (rv is not (CKR.CKR_OK or CKR.CKR_ATTRIBUTE_SENSITIVE or CKR.CKR_ATTRIBUTE_TYPE_INVALID))
        {
            throw new Pkcs11Exception("C_GetAttributeValue", rv);
        }

        if (rv != CKR.CKR_OK)
        {
            return [new AttributeValue(types[0], null)];
        }

        var available = new bool[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            available[i] = !array.IsUnavailable(i);
            if (available[i])
            {
                array.Allocate(i, checked((int)array.GetLength(i)));
            }
            else
            {
                array.SetQuery(i, types[i]);
            }
        }

        rv = Library.C_GetAttributeValue(Handle, objectHandle, array);
        if (rv is not (CKR.CKR_OK or CKR.CKR_ATTRIBUTE_SENSITIVE or CKR.CKR_ATTRIBUTE_TYPE_INVALID))
        {
            throw new Pkcs11Exception("C_GetAttributeValue", rv);
        }

        var values = new AttributeValue[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            values[i] = new AttributeValue(types[i], available[i] && !array.IsUnavailable(i) ? array.GetValue(i).ToArray() : null);
        }

        return values;
    }

    /// <summary>Reads one attribute; null when unavailable.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an unexpected error.</exception>
    public AttributeValue GetAttribute(ulong objectHandle, ulong type) => GetAttributes(objectHandle, type)[0];

    /// <summary>C_SetAttributeValue.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void SetAttributes(ulong objectHandle, params ObjectAttribute[] attributes)
    {
        using AttributeArray native = ToNative(attributes);
        Pkcs11Exception.ThrowIfFailed(Library.C_SetAttributeValue(Handle, objectHandle, native), "C_SetAttributeValue");
    }

    /// <summary>C_CreateObject; returns the new object's handle.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public ulong CreateObject(params ObjectAttribute[] attributes)
    {
        using AttributeArray native = ToNative(attributes);
        Pkcs11Exception.ThrowIfFailed(Library.C_CreateObject(Handle, native, out ulong handle), "C_CreateObject");
        return handle;
    }

    /// <summary>C_DestroyObject.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void DestroyObject(ulong objectHandle) =>
        Pkcs11Exception.ThrowIfFailed(Library.C_DestroyObject(Handle, objectHandle), "C_DestroyObject");

    /// <summary>C_GenerateKeyPair; returns the public and private key handles.</summary>
    /// <exception cref="ArgumentException">The mechanism has a parameter (key pair generation here takes none).</exception>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public (ulong PublicKey, ulong PrivateKey) GenerateKeyPair(
        Mechanism mechanism, IReadOnlyList<ObjectAttribute> publicTemplate, IReadOnlyList<ObjectAttribute> privateTemplate)
    {
        if (mechanism.Parameter.Length != 0)
        {
            throw new ArgumentException("Key pair generation mechanisms with parameters are not supported.", nameof(mechanism));
        }

        using AttributeArray pub = ToNative(publicTemplate);
        using AttributeArray priv = ToNative(privateTemplate);
        CKR rv = Library.C_GenerateKeyPair(Handle, mechanism.Type, pub, priv, out ulong publicKey, out ulong privateKey);
        Pkcs11Exception.ThrowIfFailed(rv, "C_GenerateKeyPair");
        return (publicKey, privateKey);
    }

    /// <summary>C_SignInit + C_Sign into <paramref name="signature"/>; returns the number of bytes written.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error (CKR_BUFFER_TOO_SMALL when the buffer is short).</exception>
    public int Sign(Mechanism mechanism, ulong privateKey, ReadOnlySpan<byte> data, Span<byte> signature)
    {
        Pkcs11Exception.ThrowIfFailed(Library.C_SignInit(Handle, mechanism.Type, mechanism.Parameter, privateKey), "C_SignInit");
        Pkcs11Exception.ThrowIfFailed(Library.C_Sign(Handle, data, signature, out int length), "C_Sign");
        return length;
    }

    /// <summary>C_SignInit + C_Sign (length query, then the signature).</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public byte[] Sign(Mechanism mechanism, ulong privateKey, ReadOnlySpan<byte> data)
    {
        Pkcs11Exception.ThrowIfFailed(Library.C_SignInit(Handle, mechanism.Type, mechanism.Parameter, privateKey), "C_SignInit");
        Pkcs11Exception.ThrowIfFailed(Library.C_Sign(Handle, data, [], out int length), "C_Sign");
        var signature = new byte[length];
        Pkcs11Exception.ThrowIfFailed(Library.C_Sign(Handle, data, signature, out length), "C_Sign");
        return length == signature.Length ? signature : signature[..length];
    }

    /// <summary>C_GenerateRandom.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public void GenerateRandom(Span<byte> buffer) =>
        Pkcs11Exception.ThrowIfFailed(Library.C_GenerateRandom(Handle, buffer), "C_GenerateRandom");

    private static AttributeArray ToNative(IReadOnlyList<ObjectAttribute> attributes)
    {
        var native = new AttributeArray(Abi, attributes.Count);
        for (int i = 0; i < attributes.Count; i++)
        {
            native.Set(i, attributes[i].Type, attributes[i].Value);
        }

        return native;
    }

    /// <summary>C_CloseSession. Errors are ignored: the token may already be gone.</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            Slot.Module.Library.C_CloseSession(Handle);
            _closed = true;
        }
    }
}
