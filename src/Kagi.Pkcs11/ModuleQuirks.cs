using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>
/// How a PKCS#11 module behaves across C_Finalize and a later C_Initialize in the same process, which decides how
/// <see cref="Pkcs11Module"/> treats it. The rule: a module is initialized at most once per process unless it is
/// known to survive re-initialization, and it is re-initialized only when it needs that to see tokens inserted or
/// removed since (everything else sees them through C_GetSlotList and C_WaitForSlotEvent, as PKCS#11 intends).
/// Modules are recognized by what C_GetInfo reports, never by their file name; an unknown module gets
/// <see cref="Unknown"/>, the safe side of both questions.
/// </summary>
/// <param name="Name">What the entry is called in diagnostics.</param>
/// <param name="EnumeratesTokensOnlyAtInitialize">
/// The module builds its slot list at C_Initialize and does not notice tokens added or removed later (SoftHSM2
/// scans its token directory only then), so watching for tokens requires C_Finalize and C_Initialize.
/// </param>
/// <param name="SurvivesReinitialize">
/// C_Finalize followed by another C_Initialize in the same process is known to leave the module and the process
/// intact. When false, <see cref="Pkcs11Module"/> never finalizes the module before the process exits.
/// </param>
public sealed record ModuleQuirks(string Name, bool EnumeratesTokensOnlyAtInitialize, bool SurvivesReinitialize)
{
    /// <summary>A module not in the table: not re-initialized to rescan, and not finalized before the process exits.</summary>
    public static readonly ModuleQuirks Unknown = new("unknown", EnumeratesTokensOnlyAtInitialize: false, SurvivesReinitialize: false);

    /// <summary>SoftHSM2: enumerates its token directory only at C_Initialize; re-initializes cleanly.</summary>
    public static readonly ModuleQuirks SoftHsm2 = new("SoftHSM2", EnumeratesTokensOnlyAtInitialize: true, SurvivesReinitialize: true);

    /// <summary>
    /// opencryptoki: its slots are fixed by pkcsslotd's configuration, so it never needs re-initializing to see its
    /// tokens, and it must not be: libopencryptoki (seen with 3.8.1, Debian 12) keeps its API lock fd in a static
    /// (<c>xplfd</c>, usr/lib/api/apiutil.c) that ProcClose() closes in C_Finalize but never resets to -1. The next
    /// C_Initialize then skips reopening /var/lock/opencryptoki/LCK..APIlock, and every C_Finalize after it
    /// flock()s and closes whatever file descriptor of the process has that number by then: a listening socket, a
    /// browser's WebSocket, a database connection. Its TPM token (libpkcs11_tpm with libtspi 0.3.15) also closes a
    /// failed socket twice during each C_Initialize, a race with any other thread opening a descriptor; initializing
    /// once per process confines that race to start-up. Evidence: scripts/dev/ock-fd-repro.
    /// </summary>
    public static readonly ModuleQuirks Opencryptoki = new("opencryptoki", EnumeratesTokensOnlyAtInitialize: false, SurvivesReinitialize: false);

    // C_GetInfo's manufacturerID and libraryDescription (blank-padded fields, trimmed) of the known modules.
    private static readonly (string Manufacturer, string Library, ModuleQuirks Quirks)[] Known =
    [
        ("SoftHSM", "Implementation of PKCS11", SoftHsm2),
        ("IBM", "Meta PKCS11 LIBRARY", Opencryptoki),
    ];

    /// <summary>The entry for the module that answered C_GetInfo with <paramref name="info"/>; <see cref="Unknown"/> when none matches.</summary>
    public static ModuleQuirks For(CkInfo? info)
    {
        if (info is null)
        {
            return Unknown;
        }

        string manufacturer = info.ManufacturerId.Trim();
        string library = info.LibraryDescription.Trim();
        foreach ((string m, string l, ModuleQuirks quirks) in Known)
        {
            if (string.Equals(m, manufacturer, StringComparison.Ordinal) && string.Equals(l, library, StringComparison.Ordinal))
            {
                return quirks;
            }
        }

        return Unknown;
    }
}
