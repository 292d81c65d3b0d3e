namespace Kagi.Pkcs11.Interop;

/// <summary>The kinds of field that PKCS#11 structures are made of.</summary>
public enum FieldKind
{
    /// <summary>CK_BYTE / CK_BBOOL: one byte, alignment 1.</summary>
    Byte,

    /// <summary>CK_ULONG and its aliases (flags, handles, types).</summary>
    ULong,

    /// <summary>A data or function pointer.</summary>
    Pointer,

    /// <summary>CK_VERSION: two bytes, alignment 1.</summary>
    Version,

    /// <summary>A 16-byte blank-padded text field (CK_UTF8CHAR[16]).</summary>
    Text16,

    /// <summary>A 32-byte blank-padded text field (CK_UTF8CHAR[32]).</summary>
    Text32,

    /// <summary>A 64-byte blank-padded text field (CK_UTF8CHAR[64]).</summary>
    Text64,
}

/// <summary>
/// The size and field offsets of one PKCS#11 structure under one <see cref="NativeAbi"/>, computed the way a
/// C compiler does: natural alignment pads each field to its own alignment and the total to the largest one;
/// packing to 1 byte puts fields back to back.
/// </summary>
public sealed class StructLayout
{
    internal StructLayout(NativeAbi abi, params FieldKind[] fields)
    {
        var offsets = new int[fields.Length];
        int offset = 0;
        int maxAlignment = 1;
        for (int i = 0; i < fields.Length; i++)
        {
            (int size, int alignment) = Measure(abi, fields[i]);
            if (abi.Packed)
            {
                alignment = 1;
            }

            offset = Align(offset, alignment);
            offsets[i] = offset;
            offset += size;
            maxAlignment = Math.Max(maxAlignment, alignment);
        }

        Offsets = offsets;
        Size = Align(offset, maxAlignment);
    }

    /// <summary>sizeof the structure in bytes.</summary>
    public int Size { get; }

    /// <summary>offsetof each field, in declaration order.</summary>
    public IReadOnlyList<int> Offsets { get; }

    private static (int Size, int Alignment) Measure(NativeAbi abi, FieldKind kind) => kind switch
    {
        FieldKind.Byte => (1, 1),
        FieldKind.ULong => (abi.ULongSize, abi.ULongSize),
        FieldKind.Pointer => (abi.PointerSize, abi.PointerSize),
        FieldKind.Version => (2, 1),
        FieldKind.Text16 => (16, 1),
        FieldKind.Text32 => (32, 1),
        FieldKind.Text64 => (64, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static int Align(int offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
