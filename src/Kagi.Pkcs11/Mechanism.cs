using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11;

/// <summary>A CK_MECHANISM: a CKM_* type and its parameter bytes (laid out for the native ABI).</summary>
/// <param name="Type">The CKM_* value.</param>
/// <param name="Parameter">The encoded parameter structure, or empty.</param>
public sealed record Mechanism(ulong Type, byte[] Parameter)
{
    /// <summary>A mechanism without parameter.</summary>
    public Mechanism(ulong type)
        : this(type, [])
    {
    }

    /// <summary>CKM_EC_KEY_PAIR_GEN.</summary>
    public static Mechanism EcKeyPairGen { get; } = new(CKM.CKM_EC_KEY_PAIR_GEN);

    /// <summary>CKM_RSA_PKCS_KEY_PAIR_GEN.</summary>
    public static Mechanism RsaKeyPairGen { get; } = new(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);

    /// <summary>CKM_ECDSA: signs a hash computed by the caller; the signature is r‖s.</summary>
    public static Mechanism Ecdsa { get; } = new(CKM.CKM_ECDSA);

    /// <summary>CKM_RSA_PKCS: PKCS#1 v1.5 over a DigestInfo prepared by the caller.</summary>
    public static Mechanism RsaPkcs { get; } = new(CKM.CKM_RSA_PKCS);

    /// <summary>
    /// CKM_RSA_PKCS_PSS over a hash computed by the caller, with CK_RSA_PKCS_PSS_PARAMS
    /// { <paramref name="hashMechanism"/>, <paramref name="mgf"/>, <paramref name="saltLength"/> }.
    /// </summary>
    public static Mechanism RsaPss(ulong hashMechanism, ulong mgf, int saltLength, NativeAbi? abi = null)
    {
        abi ??= NativeAbi.Current;
        var layout = abi.RsaPkcsPssParams;
        var parameter = new byte[layout.Size];
        abi.WriteULong(parameter, layout.Offsets[0], hashMechanism);
        abi.WriteULong(parameter, layout.Offsets[1], mgf);
        abi.WriteULong(parameter, layout.Offsets[2], (ulong)saltLength);
        return new Mechanism(CKM.CKM_RSA_PKCS_PSS, parameter);
    }
}
