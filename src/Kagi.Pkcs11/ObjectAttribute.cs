using System.Text;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>An attribute to send to the token (template entry): a CKA type and its encoded value.</summary>
/// <param name="Type">The CKA_* type.</param>
/// <param name="Value">The value bytes as the module expects them.</param>
public sealed record ObjectAttribute(ulong Type, byte[] Value)
{
    /// <summary>A CK_BBOOL attribute.</summary>
    public static ObjectAttribute Bool(ulong type, bool value) => new(type, [value ? (byte)1 : (byte)0]);

    /// <summary>A CK_ULONG attribute encoded at the native CK_ULONG width.</summary>
    public static ObjectAttribute ULong(ulong type, ulong value) => new(type, NativeAbi.Current.EncodeULong(value));

    /// <summary>A UTF-8 string attribute (no terminator), such as CKA_LABEL.</summary>
    public static ObjectAttribute Utf8(ulong type, string value) => new(type, Encoding.UTF8.GetBytes(value));

    /// <summary>A byte array attribute, such as CKA_ID or CKA_VALUE.</summary>
    public static ObjectAttribute Bytes(ulong type, ReadOnlySpan<byte> value) => new(type, value.ToArray());
}

/// <summary>An attribute read from the token; <see cref="Value"/> is null when the module reported it unavailable.</summary>
/// <param name="Type">The CKA_* type.</param>
/// <param name="Value">The bytes, or null for CK_UNAVAILABLE_INFORMATION (sensitive or not present on the object).</param>
public sealed record AttributeValue(ulong Type, byte[]? Value)
{
    /// <summary>True when the token returned a value.</summary>
    public bool IsAvailable => Value is not null;

    /// <summary>The bytes.</summary>
    /// <exception cref="InvalidOperationException">The value is unavailable.</exception>
    public byte[] AsBytes() => Value ?? throw new InvalidOperationException($"Attribute 0x{Type:X} is unavailable.");

    /// <summary>The value decoded as UTF-8 with trailing NULs and blanks removed.</summary>
    public string AsString() => Encoding.UTF8.GetString(AsBytes()).TrimEnd('\0', ' ');

    /// <summary>The CK_BBOOL value.</summary>
    public bool AsBool() => AsBytes() is [var b, ..] && b != 0;

    /// <summary>The CK_ULONG value at the native width.</summary>
    /// <exception cref="InvalidOperationException">The value is unavailable or has the wrong length.</exception>
    public ulong AsULong()
    {
        byte[] bytes = AsBytes();
        if (bytes.Length != NativeAbi.Current.ULongSize)
        {
            throw new InvalidOperationException($"Attribute 0x{Type:X} is {bytes.Length} bytes, not a CK_ULONG.");
        }

        return NativeAbi.Current.ReadULong(bytes, 0);
    }
}
