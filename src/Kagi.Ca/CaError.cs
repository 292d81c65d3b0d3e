namespace Kagi.Ca;

/// <summary>
/// Stable codes for failures of the CA library. Front ends map each code to a localized message; the codes never
/// change meaning. Failures of certificate signing requests are not exceptions but data
/// (<see cref="Requests.CsrError"/>).
/// </summary>
public enum CaError
{
    /// <summary>The encrypted private key could not be decrypted: the password is wrong (a damaged ciphertext looks the same).</summary>
    WrongPassword,

    /// <summary>The private key is not encrypted and unencrypted keys were not explicitly allowed.</summary>
    KeyNotEncrypted,

    /// <summary>The private key (PEM or PKCS#8) could not be parsed.</summary>
    MalformedKey,

    /// <summary>The private key is encrypted with a scheme other than PBES2 (PBKDF2 with HMAC-SHA-256/384/512 and at most 10,000,000 iterations, AES-CBC).</summary>
    UnsupportedKeyEncryption,

    /// <summary>The key is not one of the CA key types (<see cref="Keys.CaKeyType"/>).</summary>
    UnsupportedKeyType,

    /// <summary>The private key cannot be exported (it lives on a token).</summary>
    KeyNotExportable,

    /// <summary>The certificate (PEM, DER or PKCS#12) could not be parsed.</summary>
    MalformedCertificate,

    /// <summary>The PKCS#12 file could not be opened with the password.</summary>
    WrongPkcs12Password,

    /// <summary>The PKCS#12 file does not hold exactly one certificate with its private key.</summary>
    Pkcs12KeyNotFound,

    /// <summary>The certificate is not a CA certificate (basicConstraints CA:TRUE and keyUsage keyCertSign are required).</summary>
    NotACertificateAuthority,

    /// <summary>The private key does not belong to the certificate.</summary>
    KeyMismatch,

    /// <summary>The CA certificate is not valid at the requested time (not yet valid, or expired).</summary>
    AuthorityNotValid,

    /// <summary>The parent CA's path length constraint does not allow another CA below it (or not with the requested path length).</summary>
    PathLengthExceeded,

    /// <summary>An issuing CA was not issued by the root of the authority set.</summary>
    NotIssuedByRoot,

    /// <summary>The registration data cannot form a subject (empty, too long, or characters outside the allowed set).</summary>
    InvalidSubjectData,

    /// <summary>The end-entity profile is incomplete or invalid (organization, country, prefix, URLs, validity).</summary>
    InvalidProfile,

    /// <summary>The PKCS#11 token holds no usable key pair with the requested CKA_ID.</summary>
    TokenKeyNotFound,
}
