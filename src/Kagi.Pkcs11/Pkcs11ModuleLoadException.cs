using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>A PKCS#11 module could not be loaded; <see cref="Failure"/> says why as data.</summary>
public sealed class Pkcs11ModuleLoadException : Exception
{
    /// <summary>Creates the exception from a load failure.</summary>
    public Pkcs11ModuleLoadException(ModuleLoadFailure failure)
        : base(Describe(failure))
    {
        Failure = failure;
    }

    /// <summary>What failed, where, and the loader's detail.</summary>
    public ModuleLoadFailure Failure { get; }

    private static string Describe(ModuleLoadFailure f) => f.Kind switch
    {
        ModuleLoadFailureKind.FileNotFound => $"PKCS#11 module not found: {f.Path}",
        ModuleLoadFailureKind.WrongArchitecture => $"PKCS#11 module {f.Path} is built for another platform ({f.Detail})",
        ModuleLoadFailureKind.NotPkcs11Module => $"{f.Path} is not a PKCS#11 module ({f.Detail})",
        ModuleLoadFailureKind.FunctionListUnavailable => $"PKCS#11 module {f.Path}: C_GetFunctionList failed: {f.Detail}",
        _ => $"PKCS#11 module {f.Path} could not be loaded: {f.Detail}",
    };
}
