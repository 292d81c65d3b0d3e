using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Keys;

/// <summary>Facts about <see cref="CaKeyType"/> values: hash algorithm, and the type of an existing key.</summary>
internal static class CaKeyTypes
{
    /// <summary>The hash algorithm a key of type <paramref name="type"/> signs with.</summary>
    /// <returns>SHA-256 for P-256 and RSA 3072, SHA-384 for P-384 and RSA 4096.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static HashAlgorithmName HashAlgorithm(CaKeyType type) => type switch
    {
        CaKeyType.EcP256 or CaKeyType.Rsa3072 => HashAlgorithmName.SHA256,
        CaKeyType.EcP384 or CaKeyType.Rsa4096 => HashAlgorithmName.SHA384,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The CA key type of an ECDSA or RSA key.</summary>
    /// <returns>The type, or null when the key is of another algorithm, curve or size.</returns>
    public static CaKeyType? Of(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => CurveOid(ec) switch
        {
            Formats.Oids.NistP256 => CaKeyType.EcP256,
            Formats.Oids.NistP384 => CaKeyType.EcP384,
            _ => null,
        },
        RSA rsa => rsa.KeySize switch
        {
            3072 => CaKeyType.Rsa3072,
            4096 => CaKeyType.Rsa4096,
            _ => null,
        },
        _ => null,
    };

    /// <summary>
    /// The signature generator for <paramref name="key"/>: ECDSA, or RSA with PKCS#1 v1.5 padding; one signature at a time
    /// (<see cref="SerializedSignatureGenerator"/>).
    /// </summary>
    internal static X509SignatureGenerator Generator(AsymmetricAlgorithm key) => new SerializedSignatureGenerator(key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new CaException(CaError.UnsupportedKeyType),
    });

    /// <summary>The public key of <paramref name="key"/> as a <see cref="PublicKey"/>.</summary>
    internal static PublicKey PublicKeyOf(AsymmetricAlgorithm key) =>
        PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);

    private static string? CurveOid(ECDsa ec)
    {
        ECParameters parameters = ec.ExportParameters(false);
        if (!parameters.Curve.IsNamed)
        {
            return null;
        }

        // Some platforms name the curve only by its friendly name; resolve it to the OID.
        string? value = parameters.Curve.Oid.Value;
        if (value is null && parameters.Curve.Oid.FriendlyName is { } name)
        {
            value = Oid.FromFriendlyName(name, OidGroup.PublicKeyAlgorithm).Value;
        }

        return value;
    }
}
