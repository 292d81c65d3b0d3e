using System.Formats.Asn1;
using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Keys;

/// <summary>
/// A key pair that lives on a token. <see cref="CreateSigner"/> gives a .NET <see cref="AsymmetricAlgorithm"/>
/// (<see cref="TokenECDsa"/> or <see cref="TokenRsa"/>) that signs on the token, for
/// <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator"/>.
/// </summary>
/// <param name="Session">The logged-in session the keys are used through.</param>
/// <param name="PublicKey">Public key object handle.</param>
/// <param name="PrivateKey">Private key object handle.</param>
/// <param name="Id">CKA_ID shared by the key pair (and later its certificate).</param>
/// <param name="Spec">Key type.</param>
public sealed record TokenKeyPair(Session Session, ulong PublicKey, ulong PrivateKey, byte[] Id, KeySpec Spec)
{
    /// <summary>True for EC keys.</summary>
    public bool IsEc => Spec is KeySpec.EcP256 or KeySpec.EcP384;

    /// <summary>A signer backed by the private key on the token.</summary>
    public AsymmetricAlgorithm CreateSigner() => IsEc ? new TokenECDsa(this) : new TokenRsa(this);

    /// <summary>Reads the public EC key parameters from CKA_EC_POINT (DER OCTET STRING or raw point, as modules differ).</summary>
    /// <exception cref="CryptographicException">The point is not an uncompressed point of the expected curve.</exception>
    public ECParameters EcPublicParameters()
    {
        byte[] point = Session.GetAttribute(PublicKey, CKA.CKA_EC_POINT).AsBytes();
        ECCurve curve = Spec == KeySpec.EcP384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256;
        int size = Spec == KeySpec.EcP384 ? 48 : 32;
        byte[] raw = point.Length == 1 + (2 * size) && point[0] == 0x04 ? point : new AsnReader(point, AsnEncodingRules.BER).ReadOctetString();
        if (raw.Length != 1 + (2 * size) || raw[0] != 0x04)
        {
            throw new CryptographicException("CKA_EC_POINT is not an uncompressed point of the expected curve.");
        }

        return new ECParameters { Curve = curve, Q = new ECPoint { X = raw[1..(1 + size)], Y = raw[(1 + size)..] } };
    }

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo()
    {
        if (IsEc)
        {
            using ECDsa ec = ECDsa.Create(EcPublicParameters());
            return ec.ExportSubjectPublicKeyInfo();
        }

        using RSA rsa = RSA.Create(RsaPublicParameters());
        return rsa.ExportSubjectPublicKeyInfo();
    }

    /// <summary>Reads the public RSA key (modulus and exponent).</summary>
    public RSAParameters RsaPublicParameters()
    {
        IReadOnlyList<AttributeValue> values = Session.GetAttributes(PublicKey, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
        return new RSAParameters { Modulus = values[0].AsBytes(), Exponent = values[1].AsBytes() };
    }
}
