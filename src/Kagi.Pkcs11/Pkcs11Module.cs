using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>
/// A loaded and initialized PKCS#11 module: the entry point of the object API. <see cref="Load"/> calls
/// C_Initialize once per process and module path (with CKF_OS_LOCKING_OK); a module another component of the
/// process already initialized (CKR_CRYPTOKI_ALREADY_INITIALIZED) is adopted. Instances for the same path share
/// one initialization; C_Finalize runs when the last one is disposed, and only if this process initialized the
/// module. The native library itself stays mapped until the process exits, because several modules (and the
/// crypto libraries they use) do not survive being unloaded and loaded again.
/// </summary>
public sealed class Pkcs11Module : IDisposable
{
    private static readonly Dictionary<string, Shared> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadLock = new();

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
                if (shared.References == 0)
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
            shared.References = 1;
            Loaded[fullPath] = shared;
            return new Pkcs11Module(shared);
        }
    }

    /// <summary>
    /// C_Finalize then C_Initialize, so that a module which enumerates its tokens only at initialization
    /// (SoftHSM2 does) sees tokens added or removed since. Every session of the process on this module is closed
    /// by it. Does nothing unless this process initialized the module and holds the only reference.
    /// </summary>
    /// <returns>True when the module was re-initialized.</returns>
    /// <exception cref="Pkcs11Exception">C_Initialize failed.</exception>
    public bool Reinitialize()
    {
        lock (LoadLock)
        {
            if (!_shared.InitializedByUs || _shared.References != 1)
            {
                return false;
            }

            _shared.Library.C_Finalize();
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

    /// <summary>Releases this reference; the last one calls C_Finalize if this process initialized the module.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (LoadLock)
        {
            _shared.References--;
            if (_shared.References == 0 && _shared.InitializedByUs)
            {
                _shared.Library.C_Finalize();
                _shared.InitializedByUs = false;
            }
        }
    }

    private sealed class Shared(Pkcs11Library library)
    {
        public Pkcs11Library Library { get; } = library;

        public int References { get; set; }

        public bool InitializedByUs { get; set; }

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
                return;
            }

            Pkcs11Exception.ThrowIfFailed(rv, "C_Initialize");
            InitializedByUs = true;
        }
    }
}
