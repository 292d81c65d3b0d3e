using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>
/// A loaded and initialized PKCS#11 module: the entry point of the object API. <see cref="Load"/> calls
/// C_Initialize (with CKF_OS_LOCKING_OK) once per process and module path; a module another component of the
/// process already initialized (CKR_CRYPTOKI_ALREADY_INITIALIZED) is adopted. Instances for the same path share
/// one initialization. When the last one is disposed, a module this process initialized is finalized only if it is
/// known to survive a later C_Initialize (<see cref="ModuleQuirks.SurvivesReinitialize"/>); any other module has
/// its sessions closed and stays initialized for the next <see cref="Load"/>, and is finalized when the process
/// exits. So a module is initialized at most once per process unless re-initializing it is known to be safe
/// (libopencryptoki closes file descriptors it does not own from its second initialization on, see
/// <see cref="ModuleQuirks.Opencryptoki"/>). The native library itself stays mapped until the process exits,
/// because several modules (and the crypto libraries they use) do not survive being unloaded and loaded again.
/// </summary>
public sealed class Pkcs11Module : IDisposable
{
    private static readonly Dictionary<string, Shared> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadLock = new();
    private static int _exitHookInstalled;

    private readonly Shared _shared;
    private int _disposed;

    private Pkcs11Module(Shared shared)
    {
        _shared = shared;
    }

    /// <summary>The full path of the module.</summary>
    public string Path => _shared.Library.Path;

    /// <summary>The low-level binding, for callers that need a CKR without an exception.</summary>
    public Pkcs11Library Library
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _shared.Library;
        }
    }

    /// <summary>True when this process called C_Initialize; false when it adopted an initialized module.</summary>
    public bool InitializedByUs => _shared.InitializedByUs;

    /// <summary>How the module behaves across re-initialization, from what C_GetInfo reported at the first load.</summary>
    public ModuleQuirks Quirks => _shared.Quirks;

    /// <summary>Loads and initializes the module at <paramref name="path"/>.</summary>
    /// <exception cref="Pkcs11ModuleLoadException">The file is missing, for another architecture, or not a PKCS#11 module.</exception>
    /// <exception cref="Pkcs11Exception">C_Initialize failed.</exception>
    public static Pkcs11Module Load(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        lock (LoadLock)
        {
            if (Loaded.TryGetValue(fullPath, out Shared? shared))
            {
                // Still initialized when the last Dispose kept it so (a module that does not survive
                // re-initialization): then it is used as it is.
                if (shared.References == 0 && !shared.InitializedByUs)
                {
                    shared.Initialize();
                }

                shared.References++;
                return new Pkcs11Module(shared);
            }

            if (!Pkcs11Library.TryLoad(fullPath, out Pkcs11Library? library, out ModuleLoadFailure? failure))
            {
                throw new Pkcs11ModuleLoadException(failure!);
            }

            shared = new Shared(library!);
            shared.Initialize();
            shared.Quirks = ModuleQuirks.For(library!.C_GetInfo(out CkInfo? info) == CKR.CKR_OK ? info : null);
            shared.References = 1;
            if (Interlocked.Exchange(ref _exitHookInstalled, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeAtExit();
            }

            Loaded[fullPath] = shared;
            return new Pkcs11Module(shared);
        }
    }

    /// <summary>
    /// Makes the module see tokens added or removed since it was initialized, where that needs C_Finalize then
    /// C_Initialize: only for a module that enumerates its tokens only at initialization (SoftHSM2) and is known to
    /// survive re-initialization (<see cref="ModuleQuirks"/>). Every session of the process on this module is closed
    /// by it. Does nothing for other modules, whose C_GetSlotList already reflects insertions and removals, nor
    /// unless this process initialized the module and holds the only reference.
    /// </summary>
    /// <returns>True when the module was re-initialized.</returns>
    /// <exception cref="Pkcs11Exception">C_Initialize failed.</exception>
    public bool Rescan()
    {
        lock (LoadLock)
        {
            ModuleQuirks quirks = _shared.Quirks;
            if (!quirks.EnumeratesTokensOnlyAtInitialize || !quirks.SurvivesReinitialize || _shared.Adopted || _shared.References != 1)
            {
                return false;
            }

            // Not initialized by us only when the previous C_Initialize here failed: then it is simply tried again.
            if (_shared.InitializedByUs)
            {
                _shared.Library.C_Finalize();
                _shared.InitializedByUs = false;
            }

            _shared.Initialize();
            return true;
        }
    }

    /// <summary>C_GetInfo.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public CkInfo GetInfo()
    {
        Pkcs11Exception.ThrowIfFailed(Library.C_GetInfo(out CkInfo? info), "C_GetInfo");
        return info!;
    }

    /// <summary>C_GetSlotList: the slots, only those holding a token when <paramref name="tokenPresent"/> is true.</summary>
    /// <exception cref="Pkcs11Exception">The module returned an error.</exception>
    public IReadOnlyList<Slot> GetSlots(bool tokenPresent = true)
    {
        // The slot count can grow between the two calls (a token is plugged in): retry on CKR_BUFFER_TOO_SMALL.
        for (int attempt = 0; ; attempt++)
        {
            ulong count = 0;
            Pkcs11Exception.ThrowIfFailed(Library.C_GetSlotList(tokenPresent, null, ref count), "C_GetSlotList");
            var ids = new ulong[count];
            if (count == 0)
            {
                return [];
            }

            CKR rv = Library.C_GetSlotList(tokenPresent, ids, ref count);
            if (rv == CKR.CKR_BUFFER_TOO_SMALL && attempt < 3)
            {
                continue;
            }

            Pkcs11Exception.ThrowIfFailed(rv, "C_GetSlotList");
            return ids.Take((int)count).Select(id => new Slot(this, id)).ToArray();
        }
    }

    /// <summary>
    /// C_WaitForSlotEvent with CKF_DONT_BLOCK: true and the slot when a slot event is pending, false on
    /// CKR_NO_EVENT.
    /// </summary>
    /// <exception cref="Pkcs11Exception">Any other result, including CKR_FUNCTION_NOT_SUPPORTED (callers then poll).</exception>
    public bool TryGetSlotEvent(out ulong slotId)
    {
        CKR rv = Library.C_WaitForSlotEvent(CKF.CKF_DONT_BLOCK, out slotId);
        if (rv == CKR.CKR_NO_EVENT)
        {
            return false;
        }

        Pkcs11Exception.ThrowIfFailed(rv, "C_WaitForSlotEvent");
        return true;
    }

    /// <summary>
    /// Releases this reference. The last one calls C_Finalize if this process initialized the module and the module
    /// survives re-initialization; otherwise it closes the module's sessions and leaves it initialized for the next
    /// <see cref="Load"/> (C_Finalize then runs when the process exits).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (LoadLock)
        {
            _shared.References--;
            if (_shared.References != 0 || !_shared.InitializedByUs)
            {
                return;
            }

            if (_shared.Quirks.SurvivesReinitialize)
            {
                _shared.Library.C_Finalize();
                _shared.InitializedByUs = false;
            }
            else
            {
                // What C_Finalize would have done for the next user of the module: no session (and so no login)
                // of this process survives the last reference.
                _shared.CloseAllSessions();
            }
        }
    }

    // The one C_Finalize of the modules kept initialized by Dispose: safe, since none is initialized again. A module
    // still referenced is left alone (another thread may be using it while the process goes down); so is one whose
    // lock a thread still holds.
    private static void FinalizeAtExit()
    {
        if (!LoadLock.TryEnter(TimeSpan.FromSeconds(2)))
        {
            return;
        }

        try
        {
            foreach (Shared shared in Loaded.Values)
            {
                if (shared.References == 0 && shared.InitializedByUs)
                {
                    shared.Library.C_Finalize();
                    shared.InitializedByUs = false;
                }
            }
        }
        finally
        {
            LoadLock.Exit();
        }
    }

    private sealed class Shared(Pkcs11Library library)
    {
        public Pkcs11Library Library { get; } = library;

        public int References { get; set; }

        public bool InitializedByUs { get; set; }

        // Another component of the process had initialized the module (CKR_CRYPTOKI_ALREADY_INITIALIZED).
        public bool Adopted { get; private set; }

        public ModuleQuirks Quirks { get; set; } = ModuleQuirks.Unknown;

        public void CloseAllSessions()
        {
            ulong count = 0;
            if (Library.C_GetSlotList(false, null, ref count) != CKR.CKR_OK || count == 0)
            {
                return;
            }

            var ids = new ulong[count];
            if (Library.C_GetSlotList(false, ids, ref count) != CKR.CKR_OK)
            {
                return;
            }

            foreach (ulong id in ids.Take((int)count))
            {
                _ = Library.C_CloseAllSessions(id);
            }
        }

        public void Initialize()
        {
            CKR rv = Library.C_Initialize(osLocking: true);
            if (rv == CKR.CKR_CANT_LOCK)
            {
                // The module cannot use OS locking primitives; it must then be single-threaded or lock itself.
                rv = Library.C_Initialize(osLocking: false);
            }

            if (rv == CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED)
            {
                InitializedByUs = false;
                Adopted = true;
                return;
            }

            Adopted = false;
            Pkcs11Exception.ThrowIfFailed(rv, "C_Initialize");
            InitializedByUs = true;
        }
    }
}
