namespace Kagi.Ca.Requests;

/// <summary>Why a certificate signing request was refused. Stable codes: front ends map them to messages.</summary>
public enum CsrError
{
    /// <summary>No error: the request is acceptable.</summary>
    None,

    /// <summary>Not a PKCS#10 request (bad DER or PEM, trailing data, larger than 64 KiB, unreadable public key).</summary>
    Malformed,

    /// <summary>The request's signature does not verify with the public key inside it (no proof of possession).</summary>
    BadSignature,

    /// <summary>The request is signed with an algorithm other than ECDSA, RSA PKCS#1 v1.5 or RSA-PSS with SHA-256/384/512.</summary>
    UnsupportedSignatureAlgorithm,

    /// <summary>The public key is neither EC nor RSA (e.g. DSA, Ed25519, an RSA-PSS-only key).</summary>
    UnsupportedKeyType,

    /// <summary>The EC key is on a curve the policy does not allow (e.g. P-521, brainpool, explicit parameters).</summary>
    UnsupportedCurve,

    /// <summary>The RSA key is shorter than the policy's minimum.</summary>
    KeyTooSmall,

    /// <summary>The RSA key is long enough but its size is not one of the policy's sizes.</summary>
    KeySizeNotAllowed,

    /// <summary>The RSA public exponent is even or smaller than 65537.</summary>
    WeakRsaExponent,
}
