using System.Security.Cryptography;
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
    private readonly byte[] _subjectPublicKeyInfoSha256;

    internal ValidatedCsr(byte[] der, PublicKey publicKey, byte[] subjectPublicKeyInfo, CsrKeyType keyType, int keySize, X500DistinguishedName requestedSubject)
    {
        _der = der;
        PublicKey = publicKey;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        _subjectPublicKeyInfoSha256 = SHA256.HashData(subjectPublicKeyInfo);
        Fingerprint = Convert.ToHexString(_subjectPublicKeyInfoSha256);
        KeyType = keyType;
        KeySize = keySize;
        RequestedSubject = requestedSubject;
    }

    /// <summary>The public key to certify.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="SubjectPublicKeyInfo"/> (see <see cref="KeyFingerprint"/>): the
    /// upper-case hex of <see cref="SubjectPublicKeyInfoSha256"/>.</summary>
    public string Fingerprint { get; }

    /// <summary>The key kind.</summary>
    public CsrKeyType KeyType { get; }

    /// <summary>The key size in bits (256 or 384 for EC, the modulus length for RSA).</summary>
    public int KeySize { get; }

    /// <summary>The subject the request asked for: for information only, certificates never use it.</summary>
    public X500DistinguishedName RequestedSubject { get; }

    /// <summary>The public key as DER SubjectPublicKeyInfo, as <see cref="PublicKey"/> encodes it (and as a certificate
    /// issued for the request carries it).</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>The SHA-256 of <see cref="SubjectPublicKeyInfo"/> (32 bytes).</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfoSha256 => _subjectPublicKeyInfoSha256;

    /// <summary>The request as DER.</summary>
    public ReadOnlyMemory<byte> Der => _der;

    /// <summary>The SubjectPublicKeyInfo array itself, for encoders that only read it.</summary>
    internal byte[] SubjectPublicKeyInfoBytes => _subjectPublicKeyInfo;
}
