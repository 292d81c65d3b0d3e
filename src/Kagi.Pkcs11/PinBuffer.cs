using System.Security.Cryptography;
using System.Text;

namespace Kagi.Pkcs11;

/// <summary>
/// A PIN as bytes with an explicit length, in a pinned array that the garbage collector never copies, zeroed
/// on <see cref="Dispose"/>. Never converted to a <see cref="string"/>; <see cref="ToString"/> does not reveal it.
/// </summary>
public sealed class PinBuffer : IDisposable
{
    private readonly byte[] _bytes;
    private bool _disposed;

    private PinBuffer(int capacity)
    {
        _bytes = GC.AllocateArray<byte>(Math.Max(capacity, 1), pinned: true);
    }

    /// <summary>Number of bytes in the PIN.</summary>
    public int Length { get; private set; }

    /// <summary>The PIN bytes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed (and zeroed).</exception>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes.AsSpan(0, Length);
        }
    }

    /// <summary>
    /// The PIN bytes as memory, for APIs that write asynchronously (an HTTP request body). The array is pinned, so the
    /// memory never moves; it is zeroed when this buffer is disposed, so dispose only after the consumer is done.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed (and zeroed).</exception>
    public ReadOnlyMemory<byte> Memory
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes.AsMemory(0, Length);
        }
    }

    /// <summary>Copies <paramref name="pin"/> encoded as UTF-8. The caller still owns (and should clear) its characters.</summary>
    public static PinBuffer FromChars(ReadOnlySpan<char> pin)
    {
        var buffer = new PinBuffer(Encoding.UTF8.GetMaxByteCount(pin.Length));
        buffer.Length = Encoding.UTF8.GetBytes(pin, buffer._bytes);
        return buffer;
    }

    /// <summary>Copies <paramref name="pin"/> bytes.</summary>
    public static PinBuffer FromBytes(ReadOnlySpan<byte> pin)
    {
        var buffer = new PinBuffer(pin.Length);
        pin.CopyTo(buffer._bytes);
        buffer.Length = pin.Length;
        return buffer;
    }

    /// <summary>Compares two PINs in constant time for equal lengths.</summary>
    public bool FixedTimeEquals(PinBuffer other) => CryptographicOperations.FixedTimeEquals(Bytes, other.Bytes);

    /// <summary>Returns a placeholder; the PIN itself is never rendered.</summary>
    public override string ToString() => "PinBuffer(***)";

    /// <summary>Zeroes the bytes.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_bytes);
            Length = 0;
            _disposed = true;
        }
    }
}
