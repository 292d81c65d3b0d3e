namespace Kagi.Tokens.Modules;

/// <summary>Install locations of the PKCS#11 modules of the token vendors Kagi supports, per operating system.</summary>
public static class WellKnownModules
{
    /// <summary>The candidates for the running OS, in the order they are tried.</summary>
    public static IReadOnlyList<(string Vendor, string Path)> ForCurrentOs()
    {
        if (OperatingSystem.IsWindows())
        {
            string system = Environment.GetFolderPath(Environment.SpecialFolder.System);
            string programs = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
            return
            [
                ("SafeNet", Path.Combine(system, "eTPKCS11.dll")),
                ("Feitian ePass2003", Path.Combine(system, "eps2003csp11v2.dll")),
                ("Feitian ePass2003", Path.Combine(system, "eps2003csp11.dll")),
                ("YubiKey", Path.Combine(programs, "Yubico", "Yubico PIV Tool", "bin", "libykcs11.dll")),
                ("OpenSC", Path.Combine(programs, "OpenSC Project", "OpenSC", "pkcs11", "opensc-pkcs11.dll")),
                ("SoftHSM2", @"C:\SoftHSM2\lib\softhsm2-x64.dll"),
            ];
        }

        if (OperatingSystem.IsMacOS())
        {
            return
            [
                ("SafeNet", "/usr/local/lib/libeTPkcs11.dylib"),
                ("Feitian ePass2003", "/usr/local/lib/libcastle.1.0.0.dylib"),
                ("YubiKey", "/usr/local/lib/libykcs11.dylib"),
                ("YubiKey", "/opt/homebrew/lib/libykcs11.dylib"),
                ("OpenSC", "/Library/OpenSC/lib/opensc-pkcs11.so"),
                ("SoftHSM2", "/usr/local/lib/softhsm/libsofthsm2.so"),
                ("SoftHSM2", "/opt/homebrew/lib/softhsm/libsofthsm2.so"),
            ];
        }

        string multiarch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "aarch64-linux-gnu",
            _ => "x86_64-linux-gnu",
        };
        return
        [
            ("SafeNet", "/usr/lib/libeTPkcs11.so"),
            ("SafeNet", $"/usr/lib/{multiarch}/libeTPkcs11.so"),
            ("Feitian ePass2003", "/usr/lib/libcastle.so.1.0.0"),
            ("Feitian ePass2003", "/usr/local/lib/libcastle.so.1.0.0"),
            ("YubiKey", $"/usr/lib/{multiarch}/libykcs11.so.2"),
            ("YubiKey", "/usr/local/lib/libykcs11.so"),
            ("OpenSC", $"/usr/lib/{multiarch}/opensc-pkcs11.so"),
            ("OpenSC", "/usr/lib/opensc-pkcs11.so"),
            ("SoftHSM2", "/usr/lib/softhsm/libsofthsm2.so"),
            ("SoftHSM2", $"/usr/lib/{multiarch}/softhsm/libsofthsm2.so"),
            ("opencryptoki", $"/usr/lib/{multiarch}/pkcs11/libopencryptoki.so"),
            ("opencryptoki", "/usr/lib/opencryptoki/libopencryptoki.so"),
        ];
    }
}
