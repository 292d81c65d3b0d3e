using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Requests;

/// <summary>Applies a <see cref="KeyPolicy"/> to a public key.</summary>
internal static class KeyCheck
{
    private static readonly BigInteger MinimumExponent = 65537;

    /// <summary>Checks <paramref name="key"/>.</summary>
    /// <returns><see cref="CsrError.None"/> with the key's kind and size, or the reason it is refused.</returns>
    public static CsrError Check(PublicKey key, KeyPolicy policy, out CsrKeyType type, out int size)
    {
        type = default;
        size = 0;
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

                try
                {
                    // Importing checks that the point is on the curve.
                    using ECDsa? ec = key.GetECDsaPublicKey();
                    return ec is null ? CsrError.Malformed : CsrError.None;
                }
                catch (CryptographicException)
                {
                    return CsrError.Malformed;
                }

            case Oids.Rsa:
                RSAParameters parameters;
                try
                {
                    using RSA? rsa = key.GetRSAPublicKey();
                    if (rsa is null)
                    {
                        return CsrError.Malformed;
                    }

                    size = rsa.KeySize;
                    parameters = rsa.ExportParameters(false);
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

                var exponent = new BigInteger(parameters.Exponent, isUnsigned: true, isBigEndian: true);
                return exponent.IsEven || exponent < MinimumExponent ? CsrError.WeakRsaExponent : CsrError.None;

            default:
                return CsrError.UnsupportedKeyType;
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
