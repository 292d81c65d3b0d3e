using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Requests;

/// <summary>
/// A certificate signing request that passed <see cref="CsrValidator.Validate"/>: well formed, signed by its own key and
/// with a key the policy allows. Only the validator creates these, so holding one means the checks were made.
/// </summary>
public sealed class ValidatedCsr
{
    private readonly byte[] _der;
    private readonly byte[] _subjectPublicKeyInfo;

    internal ValidatedCsr(byte[] der, PublicKey publicKey, CsrKeyType keyType, int keySize, X500DistinguishedName requestedSubject)
    {
        _der = der;
        PublicKey = publicKey;
        _subjectPublicKeyInfo = publicKey.ExportSubjectPublicKeyInfo();
        Fingerprint = KeyFingerprint.Of(_subjectPublicKeyInfo);
        KeyType = keyType;
        KeySize = keySize;
        RequestedSubject = requestedSubject;
    }

    /// <summary>The public key to certify.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="SubjectPublicKeyInfo"/> (see <see cref="KeyFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The key kind.</summary>
    public CsrKeyType KeyType { get; }

    /// <summary>The key size in bits (256 or 384 for EC, the modulus length for RSA).</summary>
    public int KeySize { get; }

    /// <summary>The subject the request asked for: for information only, certificates never use it.</summary>
    public X500DistinguishedName RequestedSubject { get; }

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>The request as DER.</summary>
    public ReadOnlyMemory<byte> Der => _der;
}
