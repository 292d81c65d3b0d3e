using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Formats;

/// <summary>
/// X.509 signed structures (certificate, CRL, PKCS#10): SEQUENCE { toBeSigned, signatureAlgorithm, signature BIT STRING }.
/// </summary>
internal static class SignedData
{
    /// <summary>The signature algorithm OID of <paramref name="der"/>; null when the outer structure does not parse.</summary>
    public static string? SignatureAlgorithm(byte[] der) => TryRead(der, out _, out string? algorithm, out _) ? algorithm : null;

    /// <summary>
    /// True when the signature of <paramref name="der"/> verifies with <paramref name="key"/>. Algorithms: ECDSA with
    /// SHA-256/384/512, RSA PKCS#1 v1.5 with SHA-256/384/512 (what Kagi's CAs sign with); anything else is false.
    /// </summary>
    public static bool Verify(byte[] der, PublicKey key)
    {
        if (!TryRead(der, out ReadOnlyMemory<byte> tbs, out string? algorithm, out byte[]? signature))
        {
            return false;
        }

        try
        {
            switch (algorithm)
            {
                case Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512:
                    using (ECDsa? ec = key.GetECDsaPublicKey())
                    {
                        return ec is not null && ec.VerifyData(tbs.Span, signature, Hash(algorithm), DSASignatureFormat.Rfc3279DerSequence);
                    }

                case Oids.Sha256WithRsa or Oids.Sha384WithRsa or Oids.Sha512WithRsa:
                    using (RSA? rsa = key.GetRSAPublicKey())
                    {
                        return rsa is not null && rsa.VerifyData(tbs.Span, signature, Hash(algorithm), RSASignaturePadding.Pkcs1);
                    }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static HashAlgorithmName Hash(string algorithm) => algorithm switch
    {
        Oids.EcdsaWithSha256 or Oids.Sha256WithRsa => HashAlgorithmName.SHA256,
        Oids.EcdsaWithSha384 or Oids.Sha384WithRsa => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private static bool TryRead(byte[] der, out ReadOnlyMemory<byte> tbs, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? algorithm, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? signature)
    {
        tbs = default;
        algorithm = null;
        signature = null;
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader signed = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            tbs = signed.ReadEncodedValue();
            algorithm = signed.ReadSequence().ReadObjectIdentifier();
            signature = signed.ReadBitString(out int unused);
            signed.ThrowIfNotEmpty();
            return unused == 0;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
