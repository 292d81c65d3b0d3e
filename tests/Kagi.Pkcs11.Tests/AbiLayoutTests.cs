using System.Diagnostics;
using System.Globalization;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

/// <summary>Struct sizes and offsets for both PKCS#11 ABIs, and a cross-check against the C compiler.</summary>
public class AbiLayoutTests
{
    [Fact]
    public void Windows64_packs_to_one_byte_with_32_bit_ulong()
    {
        var abi = NativeAbi.Windows64;
        Assert.Equal(16, abi.Attribute.Size);
        Assert.Equal([0, 4, 12], abi.Attribute.Offsets);
        Assert.Equal(16, abi.Mechanism.Size);
        Assert.Equal(160, abi.TokenInfo.Size);
        Assert.Equal(96, abi.TokenInfo.Offsets[4]);  // flags
        Assert.Equal(140, abi.TokenInfo.Offsets[15]); // hardwareVersion
        Assert.Equal(144, abi.TokenInfo.Offsets[17]); // utcTime
        Assert.Equal(72, abi.Info.Size);
        Assert.Equal(104, abi.SlotInfo.Size);
        Assert.Equal(16, abi.SessionInfo.Size);
        Assert.Equal(12, abi.MechanismInfo.Size);
        Assert.Equal(44, abi.InitializeArgs.Size);
        Assert.Equal(32, abi.InitializeArgs.Offsets[4]);
        Assert.Equal(12, abi.RsaPkcsPssParams.Size);
        Assert.Equal(2, abi.FunctionListFirstPointer);
        Assert.Equal(0xFFFF_FFFFUL, abi.UnavailableInformation);
    }

    [Fact]
    public void Unix64_uses_natural_alignment_with_64_bit_ulong()
    {
        var abi = NativeAbi.Unix64;
        Assert.Equal(24, abi.Attribute.Size);
        Assert.Equal([0, 8, 16], abi.Attribute.Offsets);
        Assert.Equal(24, abi.Mechanism.Size);
        Assert.Equal(208, abi.TokenInfo.Size);
        Assert.Equal(96, abi.TokenInfo.Offsets[4]);
        Assert.Equal(184, abi.TokenInfo.Offsets[15]);
        Assert.Equal(188, abi.TokenInfo.Offsets[17]);
        Assert.Equal(88, abi.Info.Size);
        Assert.Equal(40, abi.Info.Offsets[2]); // flags after 2 + 32 bytes, aligned to 8
        Assert.Equal(112, abi.SlotInfo.Size);
        Assert.Equal(32, abi.SessionInfo.Size);
        Assert.Equal(24, abi.MechanismInfo.Size);
        Assert.Equal(48, abi.InitializeArgs.Size);
        Assert.Equal(24, abi.RsaPkcsPssParams.Size);
        Assert.Equal(8, abi.FunctionListFirstPointer);
        Assert.Equal(ulong.MaxValue, abi.UnavailableInformation);
    }

    [Fact]
    public void Thirty_two_bit_abis_differ_only_in_padding()
    {
        Assert.Equal(12, NativeAbi.Windows32.Attribute.Size);
        Assert.Equal(12, NativeAbi.Unix32.Attribute.Size);
        Assert.Equal(72, NativeAbi.Windows32.Info.Size);
        Assert.Equal(76, NativeAbi.Unix32.Info.Size);
        Assert.Equal(4, NativeAbi.Unix32.FunctionListFirstPointer);
    }

    [Fact]
    public void Current_abi_matches_the_platform()
    {
        Assert.Same(OperatingSystem.IsWindows() ? NativeAbi.Windows64 : NativeAbi.Unix64, NativeAbi.Current);
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<System.Runtime.InteropServices.CULong>(), NativeAbi.Current.ULongSize);
    }

    [Fact]
    public void Ulong_codec_round_trips_at_each_width_and_rejects_overflow_on_32_bit()
    {
        Span<byte> buffer = stackalloc byte[8];
        NativeAbi.Unix64.WriteULong(buffer, 0, 0x1_0000_0001UL);
        Assert.Equal(0x1_0000_0001UL, NativeAbi.Unix64.ReadULong(buffer, 0));
        NativeAbi.Windows64.WriteULong(buffer, 0, 0xFFFF_FFFEUL);
        Assert.Equal(0xFFFF_FFFEUL, NativeAbi.Windows64.ReadULong(buffer, 0));
        Assert.Throws<OverflowException>(() => NativeAbi.Windows64.EncodeULong(0x1_0000_0000UL));
    }

    /// <summary>
    /// Compiles a C program against p11-kit's pkcs11.h and compares sizeof/offsetof with our descriptors, twice:
    /// natively (the Unix ABI) and with <c>#pragma pack(1)</c> and <c>long</c> defined away (so <c>unsigned long</c> is a 32-bit <c>unsigned</c>), which is the
    /// Windows x64 layout. The same program checks our function-list indices.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Layouts_match_the_c_compiler(bool windowsLike)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the cross-check needs gcc and p11-kit's header; the descriptor tests above still run.
        }

        string dir = Directory.CreateTempSubdirectory("kagi-abi-").FullName;
        string source = Path.Combine(dir, "layout.c");
        string prologue = windowsLike ? "#pragma pack(push, 1)\n#define long\n" : string.Empty;
        File.WriteAllText(source, "#include <stdio.h>\n#include <stddef.h>\n#define CRYPTOKI_GNU 1\n" + prologue + """
            #include <p11-kit-1/p11-kit/pkcs11.h>
            #define P(name, expr) printf("%s=%lu\n", name, (unsigned long)(expr))
            int main(void) {
              P("attribute", sizeof(struct ck_attribute)); P("attribute.len", offsetof(struct ck_attribute, value_len));
              P("mechanism", sizeof(struct ck_mechanism)); P("mechanism.len", offsetof(struct ck_mechanism, parameter_len));
              P("info", sizeof(struct ck_info)); P("info.flags", offsetof(struct ck_info, flags)); P("info.libver", offsetof(struct ck_info, library_version));
              P("slot", sizeof(struct ck_slot_info)); P("slot.flags", offsetof(struct ck_slot_info, flags));
              P("token", sizeof(struct ck_token_info)); P("token.flags", offsetof(struct ck_token_info, flags));
              P("token.minpin", offsetof(struct ck_token_info, min_pin_len)); P("token.hw", offsetof(struct ck_token_info, hardware_version));
              P("token.utc", offsetof(struct ck_token_info, utc_time));
              P("session", sizeof(struct ck_session_info)); P("mechinfo", sizeof(struct ck_mechanism_info));
              P("initargs", sizeof(struct ck_c_initialize_args)); P("initargs.flags", offsetof(struct ck_c_initialize_args, flags));
              P("pss", sizeof(struct ck_rsa_pkcs_pss_params));
              P("fl.first", offsetof(struct ck_function_list, C_Initialize));
              P("fl.login", offsetof(struct ck_function_list, C_Login)); P("fl.signinit", offsetof(struct ck_function_list, C_SignInit));
              P("fl.genkp", offsetof(struct ck_function_list, C_GenerateKeyPair)); P("fl.wait", offsetof(struct ck_function_list, C_WaitForSlotEvent));
              P("fl.getattr", offsetof(struct ck_function_list, C_GetAttributeValue)); P("fl.random", offsetof(struct ck_function_list, C_GenerateRandom));
              return 0;
            }
            """);
        string exe = Path.Combine(dir, "layout");
        Run("gcc", "-o", exe, source);
        var c = Run(exe).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));

        NativeAbi abi = windowsLike ? NativeAbi.Windows64 : NativeAbi.Unix64;
        Assert.Equal(c["attribute"], abi.Attribute.Size);
        Assert.Equal(c["attribute.len"], abi.Attribute.Offsets[2]);
        Assert.Equal(c["mechanism"], abi.Mechanism.Size);
        Assert.Equal(c["mechanism.len"], abi.Mechanism.Offsets[2]);
        Assert.Equal(c["info"], abi.Info.Size);
        Assert.Equal(c["info.flags"], abi.Info.Offsets[2]);
        Assert.Equal(c["info.libver"], abi.Info.Offsets[4]);
        Assert.Equal(c["slot"], abi.SlotInfo.Size);
        Assert.Equal(c["slot.flags"], abi.SlotInfo.Offsets[2]);
        Assert.Equal(c["token"], abi.TokenInfo.Size);
        Assert.Equal(c["token.flags"], abi.TokenInfo.Offsets[4]);
        Assert.Equal(c["token.minpin"], abi.TokenInfo.Offsets[10]);
        Assert.Equal(c["token.hw"], abi.TokenInfo.Offsets[15]);
        Assert.Equal(c["token.utc"], abi.TokenInfo.Offsets[17]);
        Assert.Equal(c["session"], abi.SessionInfo.Size);
        Assert.Equal(c["mechinfo"], abi.MechanismInfo.Size);
        Assert.Equal(c["initargs"], abi.InitializeArgs.Size);
        Assert.Equal(c["initargs.flags"], abi.InitializeArgs.Offsets[4]);
        Assert.Equal(c["pss"], abi.RsaPkcsPssParams.Size);
        Assert.Equal(c["fl.first"], abi.FunctionListFirstPointer);
        int Slot(string key) => (c[key] - c["fl.first"]) / abi.PointerSize;
        Assert.Equal((int)FunctionIndex.C_Login, Slot("fl.login"));
        Assert.Equal((int)FunctionIndex.C_SignInit, Slot("fl.signinit"));
        Assert.Equal((int)FunctionIndex.C_GenerateKeyPair, Slot("fl.genkp"));
        Assert.Equal((int)FunctionIndex.C_WaitForSlotEvent, Slot("fl.wait"));
        Assert.Equal((int)FunctionIndex.C_GetAttributeValue, Slot("fl.getattr"));
        Assert.Equal((int)FunctionIndex.C_GenerateRandom, Slot("fl.random"));
        Directory.Delete(dir, recursive: true);
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {error}");
        return output;
    }
}
