using System.Formats.Asn1;
using System.Security.Cryptography;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Requests;

/// <summary>The signature algorithm of a PKCS#10 request, limited to what the CA accepts.</summary>
/// <param name="Hash">The hash the request is signed with.</param>
/// <param name="Padding">For RSA: PKCS#1 v1.5 or PSS; null for ECDSA.</param>
/// <param name="ParametersVerifiable">False when the algorithm's parameters are ones .NET's
/// <see cref="System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequest(byte[], HashAlgorithmName, System.Security.Cryptography.X509Certificates.CertificateRequestLoadOptions, RSASignaturePadding?)"/>
/// never verifies a signature with: for ECDSA and PKCS#1 v1.5 anything but absent or NULL; for PSS a trailer field other
/// than 1, a mask generation other than MGF1 with the signature's hash, or a salt length other than the hash length.
/// Such a signature is a bad signature, not an unsupported algorithm.</param>
internal sealed record CsrSignatureAlgorithm(HashAlgorithmName Hash, RSASignaturePadding? Padding, bool ParametersVerifiable)
{
    // The default maskGenAlgorithm's parameter: sha1 (the default MGF1 hash), which never equals an accepted hash.
    private static readonly ReadOnlyMemory<byte> Sha1Identifier = new byte[] { 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00 };

    /// <summary>
    /// Reads CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING } and
    /// the signatureAlgorithm. Accepted: ECDSA and RSA PKCS#1 v1.5 with SHA-256/384/512, and RSASSA-PSS whose hash is
    /// SHA-256/384/512 (PSS without a hash parameter means SHA-1 and is refused). Nothing is copied: the info and
    /// signature are slices of <paramref name="der"/>.
    /// </summary>
    /// <param name="der">The request.</param>
    /// <param name="algorithm">The algorithm, or null when it is not accepted.</param>
    /// <param name="info">The DER certificationRequestInfo, the bytes the signature covers.</param>
    /// <param name="signature">The signature bits.</param>
    /// <param name="unusedBits">The unused bit count of the signature BIT STRING (0 in any signature .NET verifies).</param>
    /// <returns>False when the outer structure is not SEQUENCE { info, AlgorithmIdentifier, BIT STRING } in DER.</returns>
    public static bool TryRead(
        ReadOnlyMemory<byte> der, out CsrSignatureAlgorithm? algorithm, out ReadOnlyMemory<byte> info, out ReadOnlyMemory<byte> signature, out int unusedBits)
    {
        algorithm = null;
        info = default;
        signature = default;
        unusedBits = 0;
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader request = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            info = request.ReadEncodedValue();
            AsnReader identifier = request.ReadSequence();
            if (!request.TryReadPrimitiveBitString(out unusedBits, out signature))
            {
                return false;
            }

            request.ThrowIfNotEmpty();

            string oid = identifier.ReadObjectIdentifier();
            algorithm = oid switch
            {
                Oids.EcdsaWithSha256 => new(HashAlgorithmName.SHA256, null, NullParameters(identifier)),
                Oids.EcdsaWithSha384 => new(HashAlgorithmName.SHA384, null, NullParameters(identifier)),
                Oids.EcdsaWithSha512 => new(HashAlgorithmName.SHA512, null, NullParameters(identifier)),
                Oids.Sha256WithRsa => new(HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, NullParameters(identifier)),
                Oids.Sha384WithRsa => new(HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1, NullParameters(identifier)),
                Oids.Sha512WithRsa => new(HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1, NullParameters(identifier)),
                Oids.RsaPss when identifier.HasData => Pss(identifier.ReadSequence()),
                _ => null,
            };
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    // What .NET verifies for the algorithms without parameters: none, or a NULL (and nothing after it).
    private static bool NullParameters(AsnReader identifier) =>
        !identifier.HasData || identifier.PeekEncodedValue().Span.SequenceEqual((ReadOnlySpan<byte>)[0x05, 0x00]);

    // RSASSA-PSS-params ::= SEQUENCE {
    //   hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, maskGenAlgorithm [1] AlgorithmIdentifier DEFAULT mgf1SHA1,
    //   saltLength [2] INTEGER DEFAULT 20, trailerField [3] INTEGER DEFAULT 1 }
    // A parameter block whose hash cannot be read makes the request malformed (AsnContentException), as before; for
    // anything after the hash, the checks of .NET's PssParamsAsn decoding and GetSignaturePadding decide whether the
    // signature can verify at all.
    private static CsrSignatureAlgorithm? Pss(AsnReader parameters)
    {
        var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(hashTag))
        {
            return null;
        }

        AsnReader hashField = parameters.ReadSequence(hashTag);
        AsnReader hashIdentifier = hashField.ReadSequence();
        string hashOid = hashIdentifier.ReadObjectIdentifier();
        (HashAlgorithmName hash, int length) = hashOid switch
        {
            Oids.Sha256 => (HashAlgorithmName.SHA256, 32),
            Oids.Sha384 => (HashAlgorithmName.SHA384, 48),
            Oids.Sha512 => (HashAlgorithmName.SHA512, 64),
            _ => (default, 0),
        };
        if (length == 0)
        {
            return null;
        }

        bool verifiable;
        try
        {
            verifiable = PssRest(hashField, hashIdentifier, parameters, hashOid, length);
        }
        catch (AsnContentException)
        {
            verifiable = false;
        }

        return new CsrSignatureAlgorithm(hash, RSASignaturePadding.Pss, verifiable);
    }

    private static bool PssRest(AsnReader hashField, AsnReader hashIdentifier, AsnReader parameters, string hashOid, int hashLength)
    {
        // [0] holds one AlgorithmIdentifier: the OID and at most one parameter value.
        hashField.ThrowIfNotEmpty();
        if (hashIdentifier.HasData)
        {
            _ = hashIdentifier.ReadEncodedValue();
            hashIdentifier.ThrowIfNotEmpty();
        }

        string mgfOid = Oids.Mgf1;
        ReadOnlyMemory<byte>? mgfParameters = Sha1Identifier;
        var mgfTag = new Asn1Tag(TagClass.ContextSpecific, 1);
        if (parameters.HasData && parameters.PeekTag().HasSameClassAndValue(mgfTag))
        {
            AsnReader field = parameters.ReadSequence(mgfTag);
            AsnReader mgf = field.ReadSequence();
            field.ThrowIfNotEmpty();
            mgfOid = mgf.ReadObjectIdentifier();
            mgfParameters = mgf.HasData ? mgf.ReadEncodedValue() : null;
            mgf.ThrowIfNotEmpty();
        }

        int saltLength = ReadOptionalInt32(parameters, 2, 20);
        int trailerField = ReadOptionalInt32(parameters, 3, 1);
        parameters.ThrowIfNotEmpty();

        if (trailerField != 1 || mgfOid != Oids.Mgf1 || mgfParameters is not { } mgfHash)
        {
            return false;
        }

        var mgfReader = new AsnReader(mgfHash, AsnEncodingRules.DER);
        AsnReader mgfHashIdentifier = mgfReader.ReadSequence();
        mgfReader.ThrowIfNotEmpty();
        string mgfHashOid = mgfHashIdentifier.ReadObjectIdentifier();
        if (mgfHashIdentifier.HasData)
        {
            _ = mgfHashIdentifier.ReadEncodedValue();
            mgfHashIdentifier.ThrowIfNotEmpty();
        }

        return mgfHashOid == hashOid && saltLength == hashLength;
    }

    private static int ReadOptionalInt32(AsnReader parameters, int tagValue, int defaultValue)
    {
        var tag = new Asn1Tag(TagClass.ContextSpecific, tagValue);
        if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(tag))
        {
            return defaultValue;
        }

        AsnReader field = parameters.ReadSequence(tag);
        if (!field.TryReadInt32(out int value))
        {
            throw new AsnContentException();
        }

        field.ThrowIfNotEmpty();
        return value;
    }
}
