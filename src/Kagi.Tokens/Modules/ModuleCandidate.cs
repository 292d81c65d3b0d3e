namespace Kagi.Tokens.Modules;

/// <summary>Where a module path came from.</summary>
public enum ModuleSource
{
    /// <summary>The --module option.</summary>
    Option,

    /// <summary>The KAGI_PKCS11_MODULE environment variable.</summary>
    Environment,

    /// <summary>The "module" entry of the configuration file.</summary>
    ConfigFile,

    /// <summary>A well-known install location of a vendor's module.</summary>
    WellKnown,
}

/// <summary>Whether a candidate module is used, and if not, why.</summary>
public enum ModuleStatus
{
    /// <summary>Loaded and used.</summary>
    Used,

    /// <summary>No file at that path.</summary>
    NotInstalled,

    /// <summary>The file exists but failed to load or initialize; see the detail.</summary>
    Failed,

    /// <summary>Not tried because an explicitly configured module takes precedence.</summary>
    Overridden,

    /// <summary>The same file was already listed (a symbolic link or duplicate entry).</summary>
    Duplicate,
}

/// <summary>A module Kagi considered.</summary>
/// <param name="Path">The path.</param>
/// <param name="Vendor">Whose module this location belongs to (e.g. "SafeNet", "OpenSC"); "configured" for explicit paths.</param>
/// <param name="Source">Where the path came from.</param>
/// <param name="Status">Whether it is used.</param>
/// <param name="Detail">Why it failed (loader message or CKR name); empty otherwise.</param>
public sealed record ModuleCandidate(string Path, string Vendor, ModuleSource Source, ModuleStatus Status, string Detail = "");
