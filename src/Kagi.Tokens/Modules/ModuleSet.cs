using Kagi.Pkcs11;

namespace Kagi.Tokens.Modules;

/// <summary>
/// The PKCS#11 modules in use: the explicitly configured one, or else every well-known module that is
/// installed and initializes. <see cref="Candidates"/> says what was considered and why unused ones were not used.
/// </summary>
public sealed class ModuleSet : IDisposable
{
    private ModuleSet(IReadOnlyList<Pkcs11Module> modules, IReadOnlyList<ModuleCandidate> candidates)
    {
        Modules = modules;
        Candidates = candidates;
    }

    /// <summary>The loaded modules.</summary>
    public IReadOnlyList<Pkcs11Module> Modules { get; }

    /// <summary>Every module considered, with its status.</summary>
    public IReadOnlyList<ModuleCandidate> Candidates { get; }

    /// <summary>Loads the configured module, or discovers installed ones.</summary>
    /// <returns>The set; its <see cref="Modules"/> is empty when nothing is configured and no well-known module works.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.ModuleLoadFailed"/> when an explicitly configured module fails to load.</exception>
    public static ModuleSet Open(KagiSettings settings, IReadOnlyList<(string Vendor, string Path)>? wellKnown = null)
    {
        wellKnown ??= WellKnownModules.ForCurrentOs();
        var candidates = new List<ModuleCandidate>();
        var modules = new List<Pkcs11Module>();

        if (settings.Module is { } configured)
        {
            try
            {
                modules.Add(Pkcs11Module.Load(configured.Path));
            }
            catch (Exception e) when (e is Pkcs11ModuleLoadException or Pkcs11Exception)
            {
                throw new KagiException(KagiError.ModuleLoadFailed, [configured.Path, e.Message], e);
            }

            candidates.Add(new ModuleCandidate(configured.Path, "configured", configured.Source, ModuleStatus.Used));
            candidates.AddRange(wellKnown.Select(w => new ModuleCandidate(w.Path, w.Vendor, ModuleSource.WellKnown, ModuleStatus.Overridden)));
            return new ModuleSet(modules, candidates);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string vendor, string path) in wellKnown)
        {
            if (!File.Exists(path))
            {
                candidates.Add(new ModuleCandidate(path, vendor, ModuleSource.WellKnown, ModuleStatus.NotInstalled));
                continue;
            }

            string real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
            if (!seen.Add(real))
            {
                candidates.Add(new ModuleCandidate(path, vendor, ModuleSource.WellKnown, ModuleStatus.Duplicate));
                continue;
            }

            try
            {
                modules.Add(Pkcs11Module.Load(path));
                candidates.Add(new ModuleCandidate(path, vendor, ModuleSource.WellKnown, ModuleStatus.Used));
            }
            catch (Exception e) when (e is Pkcs11ModuleLoadException or Pkcs11Exception)
            {
                candidates.Add(new ModuleCandidate(path, vendor, ModuleSource.WellKnown, ModuleStatus.Failed, e.Message));
            }
        }

        return new ModuleSet(modules, candidates);
    }

    /// <summary>
    /// Lets each module see tokens inserted or removed since the last call: <see cref="Pkcs11Module.Rescan"/>, which
    /// re-initializes only the modules that need it and survive it (SoftHSM2), never one such as opencryptoki that
    /// must be initialized only once per process. Closes every session of this process on a module it re-initializes,
    /// so call it only while none is open.
    /// </summary>
    /// <exception cref="Pkcs11Exception">A module failed to initialize again.</exception>
    public void Rescan()
    {
        foreach (Pkcs11Module module in Modules)
        {
            module.Rescan();
        }
    }

    /// <summary>Releases the modules.</summary>
    public void Dispose()
    {
        foreach (Pkcs11Module module in Modules)
        {
            module.Dispose();
        }
    }
}
