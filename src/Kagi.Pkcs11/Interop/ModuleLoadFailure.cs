namespace Kagi.Pkcs11.Interop;

/// <summary>Why a PKCS#11 module could not be loaded.</summary>
public enum ModuleLoadFailureKind
{
    /// <summary>No file exists at the given path.</summary>
    FileNotFound,

    /// <summary>The file is a shared library for another processor architecture or another operating system.</summary>
    WrongArchitecture,

    /// <summary>The operating system's loader refused the file (missing dependency, not a library, …).</summary>
    LoaderError,

    /// <summary>The library does not export C_GetFunctionList, so it is not a PKCS#11 module.</summary>
    NotPkcs11Module,

    /// <summary>C_GetFunctionList returned an error or no list.</summary>
    FunctionListUnavailable,
}

/// <summary>A failed module load described as data: the kind, and the loader's or module's own detail.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Path">The path that was tried.</param>
/// <param name="Detail">The loader's message, the detected architecture, or the CKR name; may be empty.</param>
public sealed record ModuleLoadFailure(ModuleLoadFailureKind Kind, string Path, string Detail);
