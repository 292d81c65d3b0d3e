namespace Kagi.Tokens.Keys;

/// <summary>Key types Kagi generates on tokens.</summary>
public enum KeySpec
{
    /// <summary>ECDSA on NIST P-256.</summary>
    EcP256,

    /// <summary>ECDSA on NIST P-384.</summary>
    EcP384,

    /// <summary>RSA 2048.</summary>
    Rsa2048,

    /// <summary>RSA 3072.</summary>
    Rsa3072,

    /// <summary>RSA 4096.</summary>
    Rsa4096,
}
