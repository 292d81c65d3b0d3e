using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kagi.Pkcs11.Interop;

/// <summary>
/// The binary interface a PKCS#11 module was compiled for: the width of <c>CK_ULONG</c>, the pointer
/// width, and whether structures are packed to one byte. Only two packing rules exist: Windows packs every
/// PKCS#11 structure to 1 byte (<c>#pragma pack(push, cryptoki, 1)</c>) and <c>CK_ULONG</c> is 32-bit;
/// every Unix ABI uses natural alignment and <c>CK_ULONG</c> is as wide as a pointer. Both are exactly what
/// <see cref="CULong"/> is on that platform, so values passed by value use <see cref="CULong"/> and
/// structures are laid out from these descriptors.
/// </summary>
public sealed class NativeAbi
{
    /// <summary>Windows on x64 or arm64: 4-byte CK_ULONG, 8-byte pointers, packed structures.</summary>
    public static readonly NativeAbi Windows64 = new(ulongSize: 4, pointerSize: 8, packed: true);

    /// <summary>Windows on x86: 4-byte CK_ULONG, 4-byte pointers, packed structures.</summary>
    public static readonly NativeAbi Windows32 = new(ulongSize: 4, pointerSize: 4, packed: true);

    /// <summary>Linux/macOS 64-bit: 8-byte CK_ULONG and pointers, natural alignment.</summary>
    public static readonly NativeAbi Unix64 = new(ulongSize: 8, pointerSize: 8, packed: false);

    /// <summary>32-bit Unix: 4-byte CK_ULONG and pointers, natural alignment.</summary>
    public static readonly NativeAbi Unix32 = new(ulongSize: 4, pointerSize: 4, packed: false);

    /// <summary>The ABI of the running process, chosen at run time.</summary>
    public static NativeAbi Current { get; } = SelectCurrent();

    private NativeAbi(int ulongSize, int pointerSize, bool packed)
    {
        ULongSize = ulongSize;
        PointerSize = pointerSize;
        Packed = packed;
        Version = new StructLayout(this, FieldKind.Byte, FieldKind.Byte);
        Attribute = new StructLayout(this, FieldKind.ULong, FieldKind.Pointer, FieldKind.ULong);
        Mechanism = new StructLayout(this, FieldKind.ULong, FieldKind.Pointer, FieldKind.ULong);
        Info = new StructLayout(this, FieldKind.Version, FieldKind.Text32, FieldKind.ULong, FieldKind.Text32, FieldKind.Version);
        SlotInfo = new StructLayout(this, FieldKind.Text64, FieldKind.Text32, FieldKind.ULong, FieldKind.Version, FieldKind.Version);
        TokenInfo = new StructLayout(
            this,
            FieldKind.Text32, FieldKind.Text32, FieldKind.Text16, FieldKind.Text16,
            FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong,
            FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong,
            FieldKind.Version, FieldKind.Version, FieldKind.Text16);
        SessionInfo = new StructLayout(this, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong);
        MechanismInfo = new StructLayout(this, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong);
        InitializeArgs = new StructLayout(
            this, FieldKind.Pointer, FieldKind.Pointer, FieldKind.Pointer, FieldKind.Pointer, FieldKind.ULong, FieldKind.Pointer);
        RsaPkcsPssParams = new StructLayout(this, FieldKind.ULong, FieldKind.ULong, FieldKind.ULong);
        FunctionListFirstPointer = new StructLayout(this, FieldKind.Version, FieldKind.Pointer).Offsets[1];
    }

    /// <summary>Size of CK_ULONG in bytes (4 or 8).</summary>
    public int ULongSize { get; }

    /// <summary>Size of a pointer in bytes (4 or 8).</summary>
    public int PointerSize { get; }

    /// <summary>True when structures are packed to 1 byte (Windows), false for natural alignment.</summary>
    public bool Packed { get; }

    /// <summary>CK_UNAVAILABLE_INFORMATION (<c>~0UL</c>) at this ABI's CK_ULONG width.</summary>
    public ulong UnavailableInformation => ULongSize == 8 ? ulong.MaxValue : uint.MaxValue;

    /// <summary>CK_VERSION { major, minor }.</summary>
    public StructLayout Version { get; }

    /// <summary>CK_ATTRIBUTE { type, pValue, ulValueLen }.</summary>
    public StructLayout Attribute { get; }

    /// <summary>CK_MECHANISM { mechanism, pParameter, ulParameterLen }.</summary>
    public StructLayout Mechanism { get; }

    /// <summary>CK_INFO { cryptokiVersion, manufacturerID[32], flags, libraryDescription[32], libraryVersion }.</summary>
    public StructLayout Info { get; }

    /// <summary>CK_SLOT_INFO { slotDescription[64], manufacturerID[32], flags, hardwareVersion, firmwareVersion }.</summary>
    public StructLayout SlotInfo { get; }

    /// <summary>
    /// CK_TOKEN_INFO { label[32], manufacturerID[32], model[16], serialNumber[16], flags, ulMaxSessionCount,
    /// ulSessionCount, ulMaxRwSessionCount, ulRwSessionCount, ulMaxPinLen, ulMinPinLen, ulTotalPublicMemory,
    /// ulFreePublicMemory, ulTotalPrivateMemory, ulFreePrivateMemory, hardwareVersion, firmwareVersion, utcTime[16] }.
    /// </summary>
    public StructLayout TokenInfo { get; }

    /// <summary>CK_SESSION_INFO { slotID, state, flags, ulDeviceError }.</summary>
    public StructLayout SessionInfo { get; }

    /// <summary>CK_MECHANISM_INFO { ulMinKeySize, ulMaxKeySize, flags }.</summary>
    public StructLayout MechanismInfo { get; }

    /// <summary>CK_C_INITIALIZE_ARGS { CreateMutex, DestroyMutex, LockMutex, UnlockMutex, flags, pReserved }.</summary>
    public StructLayout InitializeArgs { get; }

    /// <summary>CK_RSA_PKCS_PSS_PARAMS { hashAlg, mgf, sLen }.</summary>
    public StructLayout RsaPkcsPssParams { get; }

    /// <summary>Offset of the first function pointer (C_Initialize) in CK_FUNCTION_LIST, after its CK_VERSION.</summary>
    public int FunctionListFirstPointer { get; }

    /// <summary>Reads a CK_ULONG of this ABI's width at <paramref name="offset"/>.</summary>
    public ulong ReadULong(ReadOnlySpan<byte> buffer, int offset) => ULongSize == 8
        ? Unsafe.ReadUnaligned<ulong>(ref MemoryMarshal.GetReference(buffer[offset..(offset + 8)]))
        : Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(buffer[offset..(offset + 4)]));

    /// <summary>Writes a CK_ULONG of this ABI's width at <paramref name="offset"/>.</summary>
    /// <exception cref="OverflowException">The value does not fit a 32-bit CK_ULONG.</exception>
    public void WriteULong(Span<byte> buffer, int offset, ulong value)
    {
        if (ULongSize == 8)
        {
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(buffer[offset..(offset + 8)]), value);
        }
        else
        {
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(buffer[offset..(offset + 4)]), checked((uint)value));
        }
    }

    /// <summary>Writes a pointer of this ABI's width at <paramref name="offset"/>.</summary>
    public void WritePointer(Span<byte> buffer, int offset, nint value)
    {
        if (PointerSize == 8)
        {
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(buffer[offset..(offset + 8)]), (long)value);
        }
        else
        {
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(buffer[offset..(offset + 4)]), checked((int)value));
        }
    }

    /// <summary>Encodes <paramref name="value"/> as a CK_ULONG attribute value of this ABI's width.</summary>
    public byte[] EncodeULong(ulong value)
    {
        var bytes = new byte[ULongSize];
        WriteULong(bytes, 0, value);
        return bytes;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"CK_ULONG {ULongSize * 8}-bit, pointers {PointerSize * 8}-bit, {(Packed ? "packed to 1 byte" : "natural alignment")}";

    private static NativeAbi SelectCurrent()
    {
        NativeAbi abi = (OperatingSystem.IsWindows(), IntPtr.Size) switch
        {
            (true, 8) => Windows64,
            (true, _) => Windows32,
            (false, 8) => Unix64,
            _ => Unix32,
        };

        // CULong is C's "unsigned long" on this platform, which is what CK_ULONG is.
        if (abi.ULongSize != Unsafe.SizeOf<CULong>())
        {
            throw new PlatformNotSupportedException($"Unsupported platform: CK_ULONG is {Unsafe.SizeOf<CULong>()} bytes.");
        }

        return abi;
    }
}
