using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Keys;

/// <summary>
/// Runs one signature at a time through another generator: a PKCS#11 session performs a single operation at a time,
/// and .NET key objects do not promise thread safety, while a server issues and signs CRLs concurrently.
/// </summary>
internal sealed class SerializedSignatureGenerator(X509SignatureGenerator inner) : X509SignatureGenerator
{
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => inner.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    /// <inheritdoc />
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        lock (_lock)
        {
            return inner.SignData(data, hashAlgorithm);
        }
    }

    /// <inheritdoc />
    protected override PublicKey BuildPublicKey() => inner.PublicKey;
}
