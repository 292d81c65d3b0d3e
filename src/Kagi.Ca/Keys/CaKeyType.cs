namespace Kagi.Ca.Keys;

/// <summary>
/// Key types for CA keys, each with the signature algorithm it uses: ECDSA with SHA-256 (P-256) or SHA-384 (P-384);
/// RSA PKCS#1 v1.5 with SHA-256 (3072) or SHA-384 (4096).
/// </summary>
public enum CaKeyType
{
    /// <summary>ECDSA on NIST P-256, signing with SHA-256.</summary>
    EcP256,

    /// <summary>ECDSA on NIST P-384, signing with SHA-384.</summary>
    EcP384,

    /// <summary>RSA 3072, PKCS#1 v1.5 signatures with SHA-256.</summary>
    Rsa3072,

    /// <summary>RSA 4096, PKCS#1 v1.5 signatures with SHA-384.</summary>
    Rsa4096,
}
