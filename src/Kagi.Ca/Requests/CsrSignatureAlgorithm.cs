using System.Formats.Asn1;
using System.Security.Cryptography;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Requests;

/// <summary>The signature algorithm of a PKCS#10 request, limited to what the CA accepts.</summary>
/// <param name="Hash">The hash the request is signed with.</param>
/// <param name="Padding">For RSA: PKCS#1 v1.5 or PSS; null for ECDSA.</param>
internal sealed record CsrSignatureAlgorithm(HashAlgorithmName Hash, RSASignaturePadding? Padding)
{
    /// <summary>
    /// Reads the request's signatureAlgorithm. Accepted: ECDSA and RSA PKCS#1 v1.5 with SHA-256/384/512, and RSASSA-PSS
    /// whose hash is SHA-256/384/512 (PSS without a hash parameter means SHA-1 and is refused).
    /// </summary>
    /// <param name="der">The request.</param>
    /// <param name="algorithm">The algorithm, or null when it is not accepted.</param>
    /// <returns>False when the outer structure is not SEQUENCE { info, AlgorithmIdentifier, BIT STRING } in DER.</returns>
    public static bool TryRead(byte[] der, out CsrSignatureAlgorithm? algorithm)
    {
        algorithm = null;
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader request = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            _ = request.ReadEncodedValue();
            AsnReader identifier = request.ReadSequence();
            _ = request.ReadBitString(out _);
            request.ThrowIfNotEmpty();

            string oid = identifier.ReadObjectIdentifier();
            algorithm = oid switch
            {
                Oids.EcdsaWithSha256 => new(HashAlgorithmName.SHA256, null),
                Oids.EcdsaWithSha384 => new(HashAlgorithmName.SHA384, null),
                Oids.EcdsaWithSha512 => new(HashAlgorithmName.SHA512, null),
                Oids.Sha256WithRsa => new(HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                Oids.Sha384WithRsa => new(HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
                Oids.Sha512WithRsa => new(HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
                Oids.RsaPss when identifier.HasData => PssHash(identifier.ReadSequence()) is { } hash ? new(hash, RSASignaturePadding.Pss) : null,
                _ => null,
            };
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, maskGenAlgorithm [1] ..., ... }
    private static HashAlgorithmName? PssHash(AsnReader parameters)
    {
        var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(hashTag))
        {
            return null;
        }

        return parameters.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier() switch
        {
            Oids.Sha256 => HashAlgorithmName.SHA256,
            Oids.Sha384 => HashAlgorithmName.SHA384,
            Oids.Sha512 => HashAlgorithmName.SHA512,
            _ => null,
        };
    }
}
