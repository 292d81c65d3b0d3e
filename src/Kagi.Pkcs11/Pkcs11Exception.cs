using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>
/// A PKCS#11 function returned an error. The message names the function and the CKR
/// (<c>C_Login failed: CKR_PIN_INCORRECT</c>) and never contains arguments such as PINs.
/// </summary>
public sealed class Pkcs11Exception : Exception
{
    /// <summary>Creates the exception for <paramref name="function"/> returning <paramref name="result"/>.</summary>
    public Pkcs11Exception(string function, CKR result)
        : base($"{function} failed: {CkrNames.Name(result)}")
    {
        Function = function;
        Result = result;
    }

    /// <summary>The PKCS#11 function that failed, e.g. <c>C_Login</c>.</summary>
    public string Function { get; }

    /// <summary>The value it returned.</summary>
    public CKR Result { get; }

    /// <summary>Throws unless <paramref name="rv"/> is CKR_OK.</summary>
    /// <exception cref="Pkcs11Exception"><paramref name="rv"/> is not CKR_OK.</exception>
    public static void ThrowIfFailed(CKR rv, string function)
    {
        if (rv != CKR.CKR_OK)
        {
            throw new Pkcs11Exception(function, rv);
        }
    }
}
