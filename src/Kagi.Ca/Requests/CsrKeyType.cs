namespace Kagi.Ca.Requests;

/// <summary>The kind of public key in an accepted request.</summary>
public enum CsrKeyType
{
    /// <summary>EC on NIST P-256.</summary>
    EcP256,

    /// <summary>EC on NIST P-384.</summary>
    EcP384,

    /// <summary>RSA (the size is in <see cref="ValidatedCsr.KeySize"/>).</summary>
    Rsa,
}
