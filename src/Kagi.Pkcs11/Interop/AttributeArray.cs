using System.Runtime.InteropServices;

namespace Kagi.Pkcs11.Interop;

/// <summary>
/// A native CK_ATTRIBUTE array and the value buffers it points to, laid out for one <see cref="NativeAbi"/>.
/// Value buffers are zeroed before they are freed. Not thread-safe.
/// </summary>
public sealed unsafe class AttributeArray : IDisposable
{
    private readonly NativeAbi _abi;
    private readonly byte* _array;
    private readonly byte*[] _values;
    private readonly int[] _capacities;
    private bool _disposed;

    /// <summary>Allocates an array of <paramref name="count"/> attributes, all with a null value.</summary>
    public AttributeArray(NativeAbi abi, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _abi = abi;
        Count = count;
        _array = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(1, count * abi.Attribute.Size));
        _values = new byte*[count];
        _capacities = new int[count];
    }

    /// <summary>Number of attributes.</summary>
    public int Count { get; }

    /// <summary>Address of the first CK_ATTRIBUTE, for the native call.</summary>
    public nint Pointer => (nint)_array;

    private Span<byte> Record(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new Span<byte>(_array + (index * _abi.Attribute.Size), _abi.Attribute.Size);
    }

    /// <summary>Sets attribute <paramref name="index"/> to <paramref name="type"/> with a copy of <paramref name="value"/>.</summary>
    public void Set(int index, ulong type, ReadOnlySpan<byte> value)
    {
        Span<byte> record = Record(index);
        _abi.WriteULong(record, _abi.Attribute.Offsets[0], type);
        Allocate(index, value.Length);
        value.CopyTo(new Span<byte>(_values[index], value.Length));
    }

    /// <summary>Sets attribute <paramref name="index"/> to <paramref name="type"/> with a null value and zero length (a length query).</summary>
    public void SetQuery(int index, ulong type)
    {
        Span<byte> record = Record(index);
        _abi.WriteULong(record, _abi.Attribute.Offsets[0], type);
        Allocate(index, 0);
    }

    /// <summary>Gives attribute <paramref name="index"/> a zeroed buffer of <paramref name="length"/> bytes (0 = null pointer).</summary>
    public void Allocate(int index, int length)
    {
        Span<byte> record = Record(index);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        FreeValue(index);
        if (length > 0)
        {
            _values[index] = (byte*)NativeMemory.AllocZeroed((nuint)length);
            _capacities[index] = length;
        }

        _abi.WritePointer(record, _abi.Attribute.Offsets[1], (nint)_values[index]);
        _abi.WriteULong(record, _abi.Attribute.Offsets[2], (ulong)length);
    }

    /// <summary>The attribute type of entry <paramref name="index"/>.</summary>
    public ulong GetType(int index) => _abi.ReadULong(Record(index), _abi.Attribute.Offsets[0]);

    /// <summary>The raw ulValueLen of entry <paramref name="index"/> as the module left it.</summary>
    public ulong GetLength(int index) => _abi.ReadULong(Record(index), _abi.Attribute.Offsets[2]);

    /// <summary>True when the module set ulValueLen to CK_UNAVAILABLE_INFORMATION (sensitive or invalid attribute).</summary>
    public bool IsUnavailable(int index) => GetLength(index) == _abi.UnavailableInformation;

    /// <summary>The value bytes of entry <paramref name="index"/> (the first ulValueLen bytes of its buffer).</summary>
    /// <exception cref="InvalidOperationException">The value is unavailable or longer than the buffer.</exception>
    public ReadOnlySpan<byte> GetValue(int index)
    {
        ulong length = GetLength(index);
        if (length == _abi.UnavailableInformation || length > (ulong)_capacities[index])
        {
            throw new InvalidOperationException($"Attribute 0x{GetType(index):X} has no value in its buffer.");
        }

        return new ReadOnlySpan<byte>(_values[index], (int)length);
    }

    private void FreeValue(int index)
    {
        if (_values[index] != null)
        {
            NativeMemory.Clear(_values[index], (nuint)_capacities[index]);
            NativeMemory.Free(_values[index]);
            _values[index] = null;
            _capacities[index] = 0;
        }
    }

    /// <summary>Zeroes and frees the value buffers and the array.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        for (int i = 0; i < Count; i++)
        {
            FreeValue(i);
        }

        NativeMemory.Free(_array);
        _disposed = true;
    }
}
