using System.Security.Cryptography;
using System.Text.Json;
using Kagi.Pkcs11;

namespace Kagi.Protocol;

/// <summary>
/// The enrollment API's JSON bodies that carry a PIN, written and read without the PIN ever becoming a
/// <see cref="string"/>: the storage PIN request is written from the PIN's bytes into a <see cref="PinBuffer"/>, and the
/// transport PIN is copied out of the response into one. Temporary copies are on the stack or in pinned arrays and
/// are zeroed before they are given up.
/// </summary>
internal static class SecretJson
{
    /// <summary>The largest PIN-carrying response body read (the real ones are a few hundred bytes).</summary>
    public const int MaxResponseBytes = 16 * 1024;

    /// <summary>The largest PIN accepted here (bytes): the server takes at most 64 characters.</summary>
    private const int MaxPinBytes = 256;

    /// <summary>
    /// <c>{"storagePin":"…"}</c> with <paramref name="pin"/> as the value, as UTF-8 JSON in a pinned buffer. The value
    /// is escaped by hand (quote, backslash, control characters; other bytes as they are): Utf8JsonWriter escapes
    /// through a pooled array it does not clear.
    /// </summary>
    /// <exception cref="ArgumentException">The PIN is longer than 256 bytes or not valid UTF-8 (the message has no PIN).</exception>
    public static PinBuffer StoragePinRequest(PinBuffer pin)
    {
        ReadOnlySpan<byte> value = pin.Bytes;
        if (value.Length > MaxPinBytes || !System.Text.Unicode.Utf8.IsValid(value))
        {
            throw new ArgumentException("The storage PIN must be valid UTF-8 of at most 256 bytes.", nameof(pin));
        }

        ReadOnlySpan<byte> start = "{\"storagePin\":\""u8;
        ReadOnlySpan<byte> end = "\"}"u8;
        Span<byte> body = stackalloc byte[start.Length + (6 * MaxPinBytes) + end.Length];
        try
        {
            start.CopyTo(body);
            int n = start.Length;
            foreach (byte b in value)
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    body[n++] = (byte)'\\';
                    body[n++] = b;
                }
                else if (b < 0x20)
                {
                    "\\u00"u8.CopyTo(body[n..]);
                    n += 4;
                    body[n++] = (byte)"0123456789abcdef"[b >> 4];
                    body[n++] = (byte)"0123456789abcdef"[b & 0xF];
                }
                else
                {
                    body[n++] = b;
                }
            }

            end.CopyTo(body[n..]);
            n += end.Length;
            return PinBuffer.FromBytes(body[..n]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>
    /// Reads a <see cref="StoragePinResponse"/> body (<c>{ticket, expiresAt, transportPin}</c>) from
    /// <paramref name="content"/> into a pinned buffer, zeroed after parsing; the transport PIN goes into a
    /// <see cref="PinBuffer"/>, the rest (not secret) into strings.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is too large, not JSON, or lacks a field.</exception>
    public static async Task<PinVerifiedTicket> ReadPinVerifiedTicketAsync(HttpContent content, CancellationToken ct)
    {
        byte[] body = GC.AllocateArray<byte>(MaxResponseBytes, pinned: true);
        try
        {
            int length = 0;
            Stream stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(body.AsMemory(length), ct).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == body.Length)
                    {
                        throw new InvalidDataException("The server's answer is too large.");
                    }
                }
            }

            return Parse(body.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private static PinVerifiedTicket Parse(ReadOnlySpan<byte> json)
    {
        string? ticket = null;
        DateTimeOffset? expiresAt = null;
        PinBuffer? transportPin = null;
        Span<byte> pin = stackalloc byte[MaxPinBytes];
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException("The server's answer is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Property names as the server writes them (camelCase); case-insensitive like the other answers.
                string name = reader.GetString()!;
                if (!reader.Read())
                {
                    break;
                }

                if (name.Equals("ticket", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.String)
                {
                    ticket = reader.GetString();
                }
                else if (name.Equals("expiresAt", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.String)
                {
                    expiresAt = reader.GetDateTimeOffset();
                }
                else if (name.Equals("transportPin", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.String)
                {
                    if ((reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxPinBytes)
                    {
                        throw new InvalidDataException("The transport PIN in the server's answer is too long.");
                    }

                    int n = reader.CopyString(pin);
                    transportPin?.Dispose();
                    transportPin = PinBuffer.FromBytes(pin[..n]);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (ticket is null || expiresAt is null || transportPin is null)
            {
                throw new InvalidDataException("The server's answer lacks the ticket, its expiry or the transport PIN.");
            }

            var result = new PinVerifiedTicket(ticket, expiresAt.Value, transportPin);
            transportPin = null;
            return result;
        }
        catch (JsonException e)
        {
            // The message names a position, never the content.
            throw new InvalidDataException("The server's answer is not valid JSON.", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("The server's answer has an invalid expiry.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
            transportPin?.Dispose();
        }
    }
}
