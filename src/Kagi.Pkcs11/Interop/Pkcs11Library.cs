using System.Runtime.InteropServices;

namespace Kagi.Pkcs11.Interop;

/// <summary>
/// The low-level binding: one loaded PKCS#11 module and its function list. Every call returns the module's
/// <see cref="CKR"/> unchanged and never throws for a module error; turning a CKR into an exception is the job
/// of the object API above (<see cref="Pkcs11Module"/>). Argument errors of our own (a value that does not fit
/// a 32-bit CK_ULONG) still throw. Functions missing from the list return <see cref="CKR.CKR_FUNCTION_NOT_SUPPORTED"/>.
/// </summary>
public sealed unsafe class Pkcs11Library : IDisposable
{
    private readonly nint _handle;
    private readonly nint[] _functions;
    private bool _disposed;

    private Pkcs11Library(string path, nint handle, nint[] functions, CkVersion version)
    {
        Path = path;
        _handle = handle;
        _functions = functions;
        FunctionListVersion = version;
    }

    /// <summary>The path the module was loaded from.</summary>
    public string Path { get; }

    /// <summary>The ABI the module is called with.</summary>
    public static NativeAbi Abi => NativeAbi.Current;

    /// <summary>The CK_VERSION at the head of the module's function list.</summary>
    public CkVersion FunctionListVersion { get; }

    /// <summary>Whether the module's function list has a non-null entry for <paramref name="name"/> (e.g. "C_WaitForSlotEvent").</summary>
    public bool HasFunction(string name) =>
        Enum.TryParse(name, out FunctionIndex index) && index != FunctionIndex.Count && _functions[(int)index] != 0;

    /// <summary>
    /// Loads the module at <paramref name="path"/> and reads its function list through C_GetFunctionList.
    /// Does not call C_Initialize.
    /// </summary>
    /// <returns>True and the library, or false and a description of the failure.</returns>
    public static bool TryLoad(string path, out Pkcs11Library? library, out ModuleLoadFailure? failure)
    {
        library = null;
        failure = null;
        if (!File.Exists(path))
        {
            failure = new ModuleLoadFailure(ModuleLoadFailureKind.FileNotFound, path, string.Empty);
            return false;
        }

        (BinaryArchitecture.Format format, Architecture? arch) = BinaryArchitecture.Identify(path);
        if (format != BinaryArchitecture.Format.Unknown &&
            (format != BinaryArchitecture.NativeFormat || (arch is not null && arch != RuntimeInformation.ProcessArchitecture)))
        {
            failure = new ModuleLoadFailure(
                ModuleLoadFailureKind.WrongArchitecture,
                path,
                $"{format} {arch?.ToString() ?? "unknown CPU"}; this process is {BinaryArchitecture.NativeFormat} {RuntimeInformation.ProcessArchitecture}");
            return false;
        }

        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            failure = new ModuleLoadFailure(ModuleLoadFailureKind.LoaderError, path, e.Message);
            return false;
        }
        catch (BadImageFormatException e)
        {
            failure = new ModuleLoadFailure(ModuleLoadFailureKind.WrongArchitecture, path, e.Message);
            return false;
        }

        if (!NativeLibrary.TryGetExport(handle, "C_GetFunctionList", out nint getFunctionList))
        {
            NativeLibrary.Free(handle);
            failure = new ModuleLoadFailure(ModuleLoadFailureKind.NotPkcs11Module, path, "C_GetFunctionList is not exported");
            return false;
        }

        nint list = 0;
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<nint*, CULong>)getFunctionList)(&list));
        if (rv != CKR.CKR_OK || list == 0)
        {
            NativeLibrary.Free(handle);
            failure = new ModuleLoadFailure(ModuleLoadFailureKind.FunctionListUnavailable, path, CkrNames.Name(rv));
            return false;
        }

        var abi = NativeAbi.Current;
        var version = new CkVersion(((byte*)list)[0], ((byte*)list)[1]);
        var functions = new nint[(int)FunctionIndex.Count];
        for (int i = 0; i < functions.Length; i++)
        {
            functions[i] = *(nint*)((byte*)list + abi.FunctionListFirstPointer + (i * abi.PointerSize));
        }

        library = new Pkcs11Library(path, handle, functions, version);
        return true;
    }

    private nint Fn(FunctionIndex index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _functions[(int)index];
    }

    private static CKR ToCkr(CULong rv) => (CKR)(ulong)rv.Value;

    private static CULong U(ulong value) => new(checked((nuint)value));

    /// <summary>C_Initialize with CKF_OS_LOCKING_OK (or NULL arguments when <paramref name="osLocking"/> is false).</summary>
    public CKR C_Initialize(bool osLocking = true)
    {
        nint fn = Fn(FunctionIndex.C_Initialize);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        if (!osLocking)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<void*, CULong>)fn)(null));
        }

        var layout = Abi.InitializeArgs;
        byte* args = stackalloc byte[layout.Size];
        var span = new Span<byte>(args, layout.Size);
        span.Clear();
        Abi.WriteULong(span, layout.Offsets[4], CKF.CKF_OS_LOCKING_OK);
        return ToCkr(((delegate* unmanaged[Cdecl]<void*, CULong>)fn)(args));
    }

    /// <summary>C_Finalize(NULL).</summary>
    public CKR C_Finalize()
    {
        nint fn = Fn(FunctionIndex.C_Finalize);
        return fn == 0 ? CKR.CKR_FUNCTION_NOT_SUPPORTED : ToCkr(((delegate* unmanaged[Cdecl]<void*, CULong>)fn)(null));
    }

    /// <summary>C_GetInfo.</summary>
    public CKR C_GetInfo(out CkInfo? info)
    {
        info = null;
        nint fn = Fn(FunctionIndex.C_GetInfo);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        var l = Abi.Info;
        byte* buffer = stackalloc byte[l.Size];
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<byte*, CULong>)fn)(buffer));
        if (rv == CKR.CKR_OK)
        {
            var s = new ReadOnlySpan<byte>(buffer, l.Size);
            info = new CkInfo(
                ReadVersion(s, l.Offsets[0]),
                PaddedText.Decode(s.Slice(l.Offsets[1], 32)),
                Abi.ReadULong(s, l.Offsets[2]),
                PaddedText.Decode(s.Slice(l.Offsets[3], 32)),
                ReadVersion(s, l.Offsets[4]));
        }

        return rv;
    }

    /// <summary>
    /// C_GetSlotList. Pass a null <paramref name="slots"/> to query the count; on return <paramref name="count"/>
    /// holds the number of slots (or the number written).
    /// </summary>
    public CKR C_GetSlotList(bool tokenPresent, ulong[]? slots, ref ulong count)
    {
        nint fn = Fn(FunctionIndex.C_GetSlotList);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CULong n = U(slots is null ? 0 : count);
        CKR rv;
        if (slots is null)
        {
            rv = ToCkr(((delegate* unmanaged[Cdecl]<byte, CULong*, CULong*, CULong>)fn)(tokenPresent ? (byte)1 : (byte)0, null, &n));
        }
        else
        {
            var native = new CULong[slots.Length];
            n = U((ulong)slots.Length);
            fixed (CULong* p = native)
            {
                rv = ToCkr(((delegate* unmanaged[Cdecl]<byte, CULong*, CULong*, CULong>)fn)(tokenPresent ? (byte)1 : (byte)0, p, &n));
            }

            if (rv == CKR.CKR_OK)
            {
                for (int i = 0; i < (int)Math.Min((ulong)n.Value, (ulong)slots.Length); i++)
                {
                    slots[i] = native[i].Value;
                }
            }
        }

        count = n.Value;
        return rv;
    }

    /// <summary>C_GetSlotInfo.</summary>
    public CKR C_GetSlotInfo(ulong slotId, out CkSlotInfo? info)
    {
        info = null;
        nint fn = Fn(FunctionIndex.C_GetSlotInfo);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        var l = Abi.SlotInfo;
        byte* buffer = stackalloc byte[l.Size];
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong>)fn)(U(slotId), buffer));
        if (rv == CKR.CKR_OK)
        {
            var s = new ReadOnlySpan<byte>(buffer, l.Size);
            info = new CkSlotInfo(
                PaddedText.Decode(s.Slice(l.Offsets[0], 64)),
                PaddedText.Decode(s.Slice(l.Offsets[1], 32)),
                Abi.ReadULong(s, l.Offsets[2]),
                ReadVersion(s, l.Offsets[3]),
                ReadVersion(s, l.Offsets[4]));
        }

        return rv;
    }

    /// <summary>C_GetTokenInfo.</summary>
    public CKR C_GetTokenInfo(ulong slotId, out CkTokenInfo? info)
    {
        info = null;
        nint fn = Fn(FunctionIndex.C_GetTokenInfo);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        var l = Abi.TokenInfo;
        byte* buffer = stackalloc byte[l.Size];
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong>)fn)(U(slotId), buffer));
        if (rv == CKR.CKR_OK)
        {
            var s = new ReadOnlySpan<byte>(buffer, l.Size);
            ulong? Counter(ReadOnlySpan<byte> s, int field)
            {
                ulong v = Abi.ReadULong(s, l.Offsets[field]);
                return v == Abi.UnavailableInformation ? null : v;
            }

            info = new CkTokenInfo(
                PaddedText.Decode(s.Slice(l.Offsets[0], 32)),
                PaddedText.Decode(s.Slice(l.Offsets[1], 32)),
                PaddedText.Decode(s.Slice(l.Offsets[2], 16)),
                PaddedText.Decode(s.Slice(l.Offsets[3], 16)),
                Abi.ReadULong(s, l.Offsets[4]),
                Counter(s, 5),
                Counter(s, 6),
                Counter(s, 7),
                Counter(s, 8),
                Abi.ReadULong(s, l.Offsets[9]),
                Abi.ReadULong(s, l.Offsets[10]),
                Counter(s, 11),
                Counter(s, 12),
                Counter(s, 13),
                Counter(s, 14),
                ReadVersion(s, l.Offsets[15]),
                ReadVersion(s, l.Offsets[16]),
                PaddedText.Decode(s.Slice(l.Offsets[17], 16)));
        }

        return rv;
    }

    /// <summary>C_GetMechanismList; same count protocol as <see cref="C_GetSlotList"/>.</summary>
    public CKR C_GetMechanismList(ulong slotId, ulong[]? mechanisms, ref ulong count)
    {
        nint fn = Fn(FunctionIndex.C_GetMechanismList);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CKR rv;
        CULong n;
        if (mechanisms is null)
        {
            n = U(0);
            rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong*, CULong*, CULong>)fn)(U(slotId), null, &n));
        }
        else
        {
            var native = new CULong[mechanisms.Length];
            n = U((ulong)mechanisms.Length);
            fixed (CULong* p = native)
            {
                rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong*, CULong*, CULong>)fn)(U(slotId), p, &n));
            }

            if (rv == CKR.CKR_OK)
            {
                for (int i = 0; i < (int)Math.Min((ulong)n.Value, (ulong)mechanisms.Length); i++)
                {
                    mechanisms[i] = native[i].Value;
                }
            }
        }

        count = n.Value;
        return rv;
    }

    /// <summary>C_GetMechanismInfo.</summary>
    public CKR C_GetMechanismInfo(ulong slotId, ulong mechanism, out CkMechanismInfo? info)
    {
        info = null;
        nint fn = Fn(FunctionIndex.C_GetMechanismInfo);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        var l = Abi.MechanismInfo;
        byte* buffer = stackalloc byte[l.Size];
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, byte*, CULong>)fn)(U(slotId), U(mechanism), buffer));
        if (rv == CKR.CKR_OK)
        {
            var s = new ReadOnlySpan<byte>(buffer, l.Size);
            info = new CkMechanismInfo(Abi.ReadULong(s, l.Offsets[0]), Abi.ReadULong(s, l.Offsets[1]), Abi.ReadULong(s, l.Offsets[2]));
        }

        return rv;
    }

    /// <summary>C_InitToken. <paramref name="label32"/> must be the 32-byte blank-padded label (<see cref="PaddedText.Encode"/>).</summary>
    public CKR C_InitToken(ulong slotId, ReadOnlySpan<byte> soPin, ReadOnlySpan<byte> label32)
    {
        nint fn = Fn(FunctionIndex.C_InitToken);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        if (label32.Length != 32)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        fixed (byte* pin = soPin)
        fixed (byte* label = label32)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, byte*, CULong>)fn)(U(slotId), pin, U((ulong)soPin.Length), label));
        }
    }

    /// <summary>C_InitPIN (the SO sets or resets the user PIN). An empty PIN passes NULL (protected authentication path).</summary>
    public CKR C_InitPIN(ulong session, ReadOnlySpan<byte> pin)
    {
        nint fn = Fn(FunctionIndex.C_InitPIN);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        fixed (byte* p = pin)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, CULong>)fn)(U(session), p, U((ulong)pin.Length)));
        }
    }

    /// <summary>C_SetPIN (change the PIN of the logged-in user, or of the user when not logged in).</summary>
    public CKR C_SetPIN(ulong session, ReadOnlySpan<byte> oldPin, ReadOnlySpan<byte> newPin)
    {
        nint fn = Fn(FunctionIndex.C_SetPIN);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        fixed (byte* o = oldPin)
        fixed (byte* n = newPin)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, byte*, CULong, CULong>)fn)(
                U(session), o, U((ulong)oldPin.Length), n, U((ulong)newPin.Length)));
        }
    }

    /// <summary>C_OpenSession without notification callback. CKF_SERIAL_SESSION is always added to <paramref name="flags"/>.</summary>
    public CKR C_OpenSession(ulong slotId, ulong flags, out ulong session)
    {
        session = 0;
        nint fn = Fn(FunctionIndex.C_OpenSession);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CULong h = default;
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, void*, void*, CULong*, CULong>)fn)(
            U(slotId), U(flags | CKF.CKF_SERIAL_SESSION), null, null, &h));
        session = h.Value;
        return rv;
    }

    /// <summary>C_CloseSession.</summary>
    public CKR C_CloseSession(ulong session) => CallHandle(FunctionIndex.C_CloseSession, session);

    /// <summary>C_CloseAllSessions.</summary>
    public CKR C_CloseAllSessions(ulong slotId) => CallHandle(FunctionIndex.C_CloseAllSessions, slotId);

    /// <summary>C_Logout.</summary>
    public CKR C_Logout(ulong session) => CallHandle(FunctionIndex.C_Logout, session);

    /// <summary>C_FindObjectsFinal.</summary>
    public CKR C_FindObjectsFinal(ulong session) => CallHandle(FunctionIndex.C_FindObjectsFinal, session);

    private CKR CallHandle(FunctionIndex index, ulong handle)
    {
        nint fn = Fn(index);
        return fn == 0 ? CKR.CKR_FUNCTION_NOT_SUPPORTED : ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong>)fn)(U(handle)));
    }

    /// <summary>C_GetSessionInfo.</summary>
    public CKR C_GetSessionInfo(ulong session, out CkSessionInfo? info)
    {
        info = null;
        nint fn = Fn(FunctionIndex.C_GetSessionInfo);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        var l = Abi.SessionInfo;
        byte* buffer = stackalloc byte[l.Size];
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong>)fn)(U(session), buffer));
        if (rv == CKR.CKR_OK)
        {
            var s = new ReadOnlySpan<byte>(buffer, l.Size);
            info = new CkSessionInfo(
                Abi.ReadULong(s, l.Offsets[0]), Abi.ReadULong(s, l.Offsets[1]), Abi.ReadULong(s, l.Offsets[2]), Abi.ReadULong(s, l.Offsets[3]));
        }

        return rv;
    }

    /// <summary>
    /// C_Login. When <paramref name="protectedPath"/> is true the PIN pointer is NULL with length 0, so the
    /// token asks for the PIN on its own PIN pad.
    /// </summary>
    public CKR C_Login(ulong session, ulong userType, ReadOnlySpan<byte> pin, bool protectedPath = false)
    {
        nint fn = Fn(FunctionIndex.C_Login);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        if (protectedPath)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, byte*, CULong, CULong>)fn)(U(session), U(userType), null, U(0)));
        }

        // A non-null pointer even for an empty PIN: NULL means "use the protected authentication path".
        byte empty = 0;
        fixed (byte* p = pin)
        {
            byte* pointer = pin.IsEmpty ? &empty : p;
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, byte*, CULong, CULong>)fn)(
                U(session), U(userType), pointer, U((ulong)pin.Length)));
        }
    }

    /// <summary>C_CreateObject.</summary>
    public CKR C_CreateObject(ulong session, AttributeArray template, out ulong handle)
    {
        handle = 0;
        nint fn = Fn(FunctionIndex.C_CreateObject);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CULong h = default;
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, void*, CULong, CULong*, CULong>)fn)(
            U(session), (void*)template.Pointer, U((ulong)template.Count), &h));
        handle = h.Value;
        return rv;
    }

    /// <summary>C_DestroyObject.</summary>
    public CKR C_DestroyObject(ulong session, ulong handle)
    {
        nint fn = Fn(FunctionIndex.C_DestroyObject);
        return fn == 0 ? CKR.CKR_FUNCTION_NOT_SUPPORTED : ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, CULong>)fn)(U(session), U(handle)));
    }

    /// <summary>C_GetAttributeValue on the whole template (lengths and values are written into it).</summary>
    public CKR C_GetAttributeValue(ulong session, ulong handle, AttributeArray template) =>
        CallTemplate(FunctionIndex.C_GetAttributeValue, session, handle, template);

    /// <summary>C_SetAttributeValue.</summary>
    public CKR C_SetAttributeValue(ulong session, ulong handle, AttributeArray template) =>
        CallTemplate(FunctionIndex.C_SetAttributeValue, session, handle, template);

    private CKR CallTemplate(FunctionIndex index, ulong session, ulong handle, AttributeArray template)
    {
        nint fn = Fn(index);
        return fn == 0
            ? CKR.CKR_FUNCTION_NOT_SUPPORTED
            : ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong, void*, CULong, CULong>)fn)(
                U(session), U(handle), (void*)template.Pointer, U((ulong)template.Count)));
    }

    /// <summary>C_FindObjectsInit.</summary>
    public CKR C_FindObjectsInit(ulong session, AttributeArray template)
    {
        nint fn = Fn(FunctionIndex.C_FindObjectsInit);
        return fn == 0
            ? CKR.CKR_FUNCTION_NOT_SUPPORTED
            : ToCkr(((delegate* unmanaged[Cdecl]<CULong, void*, CULong, CULong>)fn)(U(session), (void*)template.Pointer, U((ulong)template.Count)));
    }

    /// <summary>C_FindObjects: fills <paramref name="handles"/> and sets <paramref name="found"/>.</summary>
    public CKR C_FindObjects(ulong session, Span<ulong> handles, out int found)
    {
        found = 0;
        nint fn = Fn(FunctionIndex.C_FindObjects);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        Span<CULong> native = handles.Length <= 64 ? stackalloc CULong[handles.Length] : new CULong[handles.Length];
        CULong count = default;
        CKR rv;
        fixed (CULong* p = native)
        {
            rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong*, CULong, CULong*, CULong>)fn)(U(session), p, U((ulong)handles.Length), &count));
        }

        if (rv == CKR.CKR_OK)
        {
            found = (int)Math.Min((ulong)count.Value, (ulong)handles.Length);
            for (int i = 0; i < found; i++)
            {
                handles[i] = native[i].Value;
            }
        }

        return rv;
    }

    private static void WriteMechanism(Span<byte> mech, ulong mechanism, byte* parameter, int parameterLength)
    {
        var l = Abi.Mechanism;
        mech.Clear();
        Abi.WriteULong(mech, l.Offsets[0], mechanism);
        Abi.WritePointer(mech, l.Offsets[1], (nint)parameter);
        Abi.WriteULong(mech, l.Offsets[2], (ulong)parameterLength);
    }

    /// <summary>C_SignInit with CK_MECHANISM { <paramref name="mechanism"/>, <paramref name="parameter"/> }.</summary>
    public CKR C_SignInit(ulong session, ulong mechanism, ReadOnlySpan<byte> parameter, ulong key)
    {
        nint fn = Fn(FunctionIndex.C_SignInit);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        int size = Abi.Mechanism.Size;
        byte* mech = stackalloc byte[size];
        fixed (byte* p = parameter)
        {
            WriteMechanism(new Span<byte>(mech, size), mechanism, p, parameter.Length);
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, CULong>)fn)(U(session), mech, U(key)));
        }
    }

    /// <summary>
    /// C_Sign. With an empty <paramref name="signature"/> the module is asked for the length only (NULL output);
    /// <paramref name="signatureLength"/> receives the length needed or written.
    /// </summary>
    public CKR C_Sign(ulong session, ReadOnlySpan<byte> data, Span<byte> signature, out int signatureLength)
    {
        signatureLength = 0;
        nint fn = Fn(FunctionIndex.C_Sign);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CULong length = U((ulong)signature.Length);
        CKR rv;
        fixed (byte* d = data)
        fixed (byte* s = signature)
        {
            rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, byte*, CULong*, CULong>)fn)(
                U(session), d, U((ulong)data.Length), signature.IsEmpty ? null : s, &length));
        }

        signatureLength = (int)Math.Min((ulong)length.Value, int.MaxValue);
        return rv;
    }

    /// <summary>C_GenerateKeyPair with a mechanism that has no parameter.</summary>
    public CKR C_GenerateKeyPair(
        ulong session, ulong mechanism, AttributeArray publicTemplate, AttributeArray privateTemplate, out ulong publicKey, out ulong privateKey)
    {
        publicKey = 0;
        privateKey = 0;
        nint fn = Fn(FunctionIndex.C_GenerateKeyPair);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        int size = Abi.Mechanism.Size;
        byte* mech = stackalloc byte[size];
        WriteMechanism(new Span<byte>(mech, size), mechanism, null, 0);
        CULong pub = default;
        CULong priv = default;
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, void*, CULong, void*, CULong, CULong*, CULong*, CULong>)fn)(
            U(session), mech,
            (void*)publicTemplate.Pointer, U((ulong)publicTemplate.Count),
            (void*)privateTemplate.Pointer, U((ulong)privateTemplate.Count),
            &pub, &priv));
        publicKey = pub.Value;
        privateKey = priv.Value;
        return rv;
    }

    /// <summary>C_GenerateRandom into <paramref name="buffer"/>.</summary>
    public CKR C_GenerateRandom(ulong session, Span<byte> buffer)
    {
        nint fn = Fn(FunctionIndex.C_GenerateRandom);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        fixed (byte* p = buffer)
        {
            return ToCkr(((delegate* unmanaged[Cdecl]<CULong, byte*, CULong, CULong>)fn)(U(session), p, U((ulong)buffer.Length)));
        }
    }

    /// <summary>C_WaitForSlotEvent. Use <see cref="CKF.CKF_DONT_BLOCK"/>; CKR_NO_EVENT means nothing happened.</summary>
    public CKR C_WaitForSlotEvent(ulong flags, out ulong slotId)
    {
        slotId = 0;
        nint fn = Fn(FunctionIndex.C_WaitForSlotEvent);
        if (fn == 0)
        {
            return CKR.CKR_FUNCTION_NOT_SUPPORTED;
        }

        CULong slot = default;
        CKR rv = ToCkr(((delegate* unmanaged[Cdecl]<CULong, CULong*, void*, CULong>)fn)(U(flags), &slot, null));
        slotId = slot.Value;
        return rv;
    }

    private static CkVersion ReadVersion(ReadOnlySpan<byte> s, int offset) => new(s[offset], s[offset + 1]);

    /// <summary>Unloads the library. Call C_Finalize first if this process initialized it.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeLibrary.Free(_handle);
        }
    }
}
