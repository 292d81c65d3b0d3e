using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kagi.Pkcs11.Interop;

/// <summary>Reads the executable header of a shared library to tell which OS format and CPU it was built for.</summary>
public static class BinaryArchitecture
{
    /// <summary>The binary formats we recognize.</summary>
    public enum Format
    {
        /// <summary>Not recognized.</summary>
        Unknown,

        /// <summary>ELF (Linux and other Unix systems).</summary>
        Elf,

        /// <summary>PE/COFF (Windows DLL).</summary>
        PE,

        /// <summary>Mach-O (macOS).</summary>
        MachO,
    }

    /// <summary>Identifies the file's format and architecture from its first bytes.</summary>
    /// <returns>The format and architecture; the architecture is null when the format or machine is unknown.</returns>
    public static (Format Format, Architecture? Architecture) Identify(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> header = stackalloc byte[512];
            int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            return Identify(header[..read]);
        }
        catch (IOException)
        {
            return (Format.Unknown, null);
        }
        catch (UnauthorizedAccessException)
        {
            return (Format.Unknown, null);
        }
    }

    /// <summary>Identifies a format and architecture from an in-memory header.</summary>
    public static (Format Format, Architecture? Architecture) Identify(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 20 && h[0] == 0x7F && h[1] == (byte)'E' && h[2] == (byte)'L' && h[3] == (byte)'F')
        {
            bool littleEndian = h[5] == 1;
            ushort machine = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(h[18..]) : BinaryPrimitives.ReadUInt16BigEndian(h[18..]);
            Architecture? arch = machine switch
            {
                3 => Architecture.X86,
                62 => Architecture.X64,
                40 => Architecture.Arm,
                183 => Architecture.Arm64,
                243 => Architecture.RiscV64,
                258 => Architecture.LoongArch64,
                22 => Architecture.S390x,
                21 => Architecture.Ppc64le,
                _ => null,
            };
            return (Format.Elf, arch);
        }

        if (h.Length >= 64 && h[0] == (byte)'M' && h[1] == (byte)'Z')
        {
            int peOffset = BinaryPrimitives.ReadInt32LittleEndian(h[0x3C..]);
            if (peOffset > 0 && peOffset + 6 <= h.Length && h[peOffset] == (byte)'P' && h[peOffset + 1] == (byte)'E')
            {
                ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(h[(peOffset + 4)..]);
                Architecture? arch = machine switch
                {
                    0x14C => Architecture.X86,
                    0x8664 => Architecture.X64,
                    0x1C4 => Architecture.Arm,
                    0xAA64 => Architecture.Arm64,
                    _ => null,
                };
                return (Format.PE, arch);
            }

            return (Format.PE, null);
        }

        if (h.Length >= 8)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(h);
            if (magic is 0xFEEDFACE or 0xFEEDFACF)
            {
                uint cpu = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
                Architecture? arch = cpu switch
                {
                    7 => Architecture.X86,
                    0x01000007 => Architecture.X64,
                    12 => Architecture.Arm,
                    0x0100000C => Architecture.Arm64,
                    _ => null,
                };
                return (Format.MachO, arch);
            }
        }

        return (Format.Unknown, null);
    }

    /// <summary>The binary format native libraries have on the running operating system.</summary>
    public static Format NativeFormat =>
        OperatingSystem.IsWindows() ? Format.PE : OperatingSystem.IsMacOS() ? Format.MachO : Format.Elf;
}
