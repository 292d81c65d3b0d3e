using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Keys;

/// <summary>
/// A CA signing key: in memory (<see cref="SoftwareCaKey"/>) or on a PKCS#11 token (<see cref="TokenCaKey"/>).
/// Certificates and CRLs are signed through <see cref="SignatureGenerator"/> with <see cref="HashAlgorithm"/>,
/// so the rest of the library never sees the private key.
/// </summary>
public interface ICaKey : IDisposable
{
    /// <summary>The key type, which fixes the signature algorithm.</summary>
    CaKeyType KeyType { get; }

    /// <summary>The public key.</summary>
    PublicKey PublicKey { get; }

    /// <summary>The hash algorithm signatures use (SHA-256 or SHA-384, see <see cref="CaKeyType"/>).</summary>
    HashAlgorithmName HashAlgorithm { get; }

    /// <summary>Signs with the private key (ECDSA, or RSA PKCS#1 v1.5). Safe to use from several threads: signatures run one at a time.</summary>
    X509SignatureGenerator SignatureGenerator { get; }
}
