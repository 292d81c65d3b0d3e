using System.Security.Cryptography;
using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Tokens;

namespace Kagi.Cli.Infrastructure;

/// <summary>
/// Reads PINs without echo from the terminal, or one per line from standard input with --pin-stdin. PINs go
/// straight into <see cref="PinBuffer"/>s; the temporary buffers are zeroed. PINs are never taken from arguments.
/// </summary>
internal sealed class PinReader(bool fromStdin)
{
    private const int MaxPinBytes = 256;
    private Stream? _stdin;

    /// <summary>Reads one PIN, showing <paramref name="prompt"/> on the terminal.</summary>
    /// <exception cref="KagiException"><see cref="KagiError.PinRequired"/> when no PIN can be read.</exception>
    public PinBuffer Read(string prompt)
    {
        return fromStdin ? ReadLineFromStdin() : ReadFromTerminal(prompt, escapeRequestsCancel: false)!;
    }

    /// <summary>
    /// Reads one PIN at a wizard prompt, where the user may ask to cancel instead: a line holding only <c>c</c> (or
    /// <c>C</c>), which can be neither a storage PIN nor a user PIN, or Esc in a terminal. The caller confirms the cancel.
    /// </summary>
    /// <returns>The PIN, or null when the user asked to cancel.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.PinRequired"/> when no PIN can be read.</exception>
    public PinBuffer? ReadOrCancel(string prompt)
    {
        PinBuffer? pin = fromStdin ? ReadLineFromStdin() : ReadFromTerminal(prompt, escapeRequestsCancel: true);
        if (pin is not null && pin.Length == 1 && (pin.Bytes[0] == (byte)'c' || pin.Bytes[0] == (byte)'C'))
        {
            pin.Dispose();
            return null;
        }

        return pin;
    }

    /// <summary>
    /// Reads one answer (not a secret) for a wizard prompt: from the terminal, or as the next line of standard input
    /// when PINs come from there too, so a script (or a test) can drive every prompt in order.
    /// </summary>
    /// <returns>The trimmed answer; empty for a bare Enter.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.PinRequired"/> when standard input has ended.</exception>
    public string ReadAnswer(string prompt)
    {
        Console.Error.Write(prompt);
        if (!fromStdin)
        {
            return (Console.ReadLine() ?? throw new KagiException(KagiError.PinRequired)).Trim();
        }

        using PinBuffer line = ReadLineFromStdin();
        Console.Error.WriteLine();
        return System.Text.Encoding.UTF8.GetString(line.Bytes).Trim();
    }

    private PinBuffer ReadLineFromStdin()
    {
        _stdin ??= Console.OpenStandardInput();
        byte[] buffer = GC.AllocateArray<byte>(MaxPinBytes, pinned: true);
        try
        {
            int length = 0;
            bool any = false;
            while (true)
            {
                int b = _stdin.ReadByte();
                if (b < 0)
                {
                    if (!any)
                    {
                        throw new KagiException(KagiError.PinRequired);
                    }

                    break;
                }

                any = true;
                if (b == '\n')
                {
                    break;
                }

                if (length == MaxPinBytes)
                {
                    throw new KagiException(KagiError.PinRequired);
                }

                buffer[length++] = (byte)b;
            }

            if (length > 0 && buffer[length - 1] == '\r')
            {
                length--;
            }

            return PinBuffer.FromBytes(buffer.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <returns>The PIN; null when <paramref name="escapeRequestsCancel"/> and the user pressed Esc.</returns>
    /// <exception cref="OperationCanceledException">Esc, unless <paramref name="escapeRequestsCancel"/>.</exception>
    private static PinBuffer? ReadFromTerminal(string prompt, bool escapeRequestsCancel)
    {
        if (Console.IsInputRedirected)
        {
            throw new KagiException(KagiError.PinRequired);
        }

        Console.Error.Write(prompt);
        char[] chars = GC.AllocateArray<char>(MaxPinBytes, pinned: true);
        int length = 0;
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        chars[--length] = '\0';
                    }

                    continue;
                }

                if (key.Key == ConsoleKey.Escape)
                {
                    if (escapeRequestsCancel)
                    {
                        Console.Error.WriteLine();
                        return null;
                    }

                    throw new OperationCanceledException(Messages.Cancelled);
                }

                if (key.KeyChar != '\0' && length < chars.Length)
                {
                    chars[length++] = key.KeyChar;
                }
            }

            Console.Error.WriteLine();
            return PinBuffer.FromChars(chars.AsSpan(0, length));
        }
        finally
        {
            Array.Clear(chars);
        }
    }
}
