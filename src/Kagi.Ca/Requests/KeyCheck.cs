using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Requests;

/// <summary>Applies a <see cref="KeyPolicy"/> to a public key, importing it once.</summary>
internal static class KeyCheck
{
    private static readonly BigInteger MinimumExponent = 65537;

    /// <summary>
    /// Checks <paramref name="key"/>: its algorithm and curve or size against <paramref name="policy"/>, then imports it
    /// from <paramref name="subjectPublicKeyInfo"/> (which checks an EC point is on its curve), then for RSA the size and
    /// public exponent.
    /// </summary>
    /// <param name="key">The public key.</param>
    /// <param name="subjectPublicKeyInfo">The same key as DER SubjectPublicKeyInfo (<see cref="PublicKey.ExportSubjectPublicKeyInfo"/>).</param>
    /// <param name="policy">The policy.</param>
    /// <param name="type">The key kind (set once it is known, also for some refusals).</param>
    /// <param name="size">The key size in bits.</param>
    /// <param name="imported">The imported key (<see cref="ECDsa"/> or <see cref="RSA"/>) when one was imported, also for a
    /// refused RSA key; the caller disposes it. Null when the key could not be or was not imported.</param>
    /// <returns><see cref="CsrError.None"/>, or the reason the key is refused.</returns>
    public static CsrError Check(
        PublicKey key, byte[] subjectPublicKeyInfo, KeyPolicy policy, out CsrKeyType type, out int size, out AsymmetricAlgorithm? imported)
    {
        type = default;
        size = 0;
        imported = null;
        switch (key.Oid.Value)
        {
            case Oids.EcPublicKey:
                bool allowed;
                (type, size, allowed) = CurveOf(key) switch
                {
                    Oids.NistP256 => (CsrKeyType.EcP256, 256, policy.AllowEcP256),
                    Oids.NistP384 => (CsrKeyType.EcP384, 384, policy.AllowEcP384),
                    _ => (default, 0, false),
                };
                if (!allowed)
                {
                    return CsrError.UnsupportedCurve;
                }

                // Importing checks that the point is on the curve.
                imported = Import(ECDsa.Create(), subjectPublicKeyInfo);
                return imported is null ? CsrError.Malformed : CsrError.None;

            case Oids.Rsa:
                if (Import(RSA.Create(), subjectPublicKeyInfo) is not RSA rsa)
                {
                    return CsrError.Malformed;
                }

                imported = rsa;
                BigInteger exponent;
                try
                {
                    size = rsa.KeySize;
                    exponent = ExponentOf(key) ?? new BigInteger(rsa.ExportParameters(false).Exponent, isUnsigned: true, isBigEndian: true);
                }
                catch (CryptographicException)
                {
                    return CsrError.Malformed;
                }

                type = CsrKeyType.Rsa;
                if (size < policy.MinimumRsaKeySize)
                {
                    return CsrError.KeyTooSmall;
                }

                if (!policy.AllowedRsaKeySizes.Contains(size))
                {
                    return CsrError.KeySizeNotAllowed;
                }

                return exponent.IsEven || exponent < MinimumExponent ? CsrError.WeakRsaExponent : CsrError.None;

            default:
                return CsrError.UnsupportedKeyType;
        }
    }

    /// <summary>Imports <paramref name="subjectPublicKeyInfo"/> into <paramref name="key"/>; null (and disposed) when it is refused.</summary>
    private static AsymmetricAlgorithm? Import(AsymmetricAlgorithm key, byte[] subjectPublicKeyInfo)
    {
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
            if (read == subjectPublicKeyInfo.Length)
            {
                return key;
            }
        }
        catch (CryptographicException)
        {
        }

        key.Dispose();
        return null;
    }

    /// <summary>
    /// The public exponent from RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } without asking the
    /// imported key; null when it is not a positive DER integer there (the imported key answers then).
    /// </summary>
    private static BigInteger? ExponentOf(PublicKey key)
    {
        try
        {
            var outer = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER);
            AsnReader sequence = outer.ReadSequence();
            _ = sequence.ReadIntegerBytes();
            BigInteger exponent = sequence.ReadInteger();
            return exponent.Sign > 0 ? exponent : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The named curve OID of an EC key; null for explicit or unreadable parameters.</summary>
    private static string? CurveOf(PublicKey key)
    {
        if (key.EncodedParameters?.RawData is not { } parameters)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            string oid = reader.ReadObjectIdentifier();
            reader.ThrowIfNotEmpty();
            return oid;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
