using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

public class ModuleLoadingTests
{
    [Fact]
    public void Missing_file_is_reported_with_its_path()
    {
        var e = Assert.Throws<Pkcs11ModuleLoadException>(() => Pkcs11Module.Load("/nonexistent/libnothing.so"));
        Assert.Equal(ModuleLoadFailureKind.FileNotFound, e.Failure.Kind);
        Assert.Contains("/nonexistent/libnothing.so", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Library_for_another_cpu_is_reported_as_wrong_architecture()
    {
        // A real ELF header for a 64-bit little-endian AArch64 shared object (e_machine 183) - or x86-64 (62)
        // when the tests themselves run on AArch64.
        string path = Path.Combine(Path.GetTempPath(), $"kagi-foreign-{Guid.NewGuid():N}.so");
        byte[] header = new byte[64];
        "\u007FELF"u8.CopyTo(header);
        header[4] = 2; // ELFCLASS64
        header[5] = 1; // little endian
        header[6] = 1; // EV_CURRENT
        header[16] = 3; // ET_DYN
        header[18] = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? (byte)62 : (byte)183;
        File.WriteAllBytes(path, header);
        try
        {
            var e = Assert.Throws<Pkcs11ModuleLoadException>(() => Pkcs11Module.Load(path));
            Assert.Equal(ModuleLoadFailureKind.WrongArchitecture, e.Failure.Kind);
            Assert.Contains("another platform", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Shared_library_without_cryptoki_is_not_a_pkcs11_module()
    {
        string libz = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1" }
            .First(File.Exists);
        var e = Assert.Throws<Pkcs11ModuleLoadException>(() => Pkcs11Module.Load(libz));
        Assert.Equal(ModuleLoadFailureKind.NotPkcs11Module, e.Failure.Kind);
    }

    [Fact]
    public void Text_file_is_refused_by_the_loader()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kagi-text-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not a library");
        try
        {
            var e = Assert.Throws<Pkcs11ModuleLoadException>(() => Pkcs11Module.Load(path));
            Assert.Equal(ModuleLoadFailureKind.LoaderError, e.Failure.Kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Architecture_is_read_from_pe_and_elf_headers()
    {
        byte[] pe = new byte[128];
        pe[0] = (byte)'M';
        pe[1] = (byte)'Z';
        pe[0x3C] = 0x40;
        pe[0x40] = (byte)'P';
        pe[0x41] = (byte)'E';
        pe[0x44] = 0x4C; // IMAGE_FILE_MACHINE_I386
        pe[0x45] = 0x01;
        Assert.Equal((BinaryArchitecture.Format.PE, System.Runtime.InteropServices.Architecture.X86), BinaryArchitecture.Identify(pe));
        Assert.Equal(BinaryArchitecture.Format.Elf, BinaryArchitecture.Identify(Kagi.Testing.SoftHsm.ModulePath).Format);
    }
}
