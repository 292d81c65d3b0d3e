using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Requests;

/// <summary>
/// Checks PKCS#10 certificate signing requests before anything is issued for them. Only the public key of an accepted
/// request is used later; its subject and requested extensions are ignored.
/// </summary>
public static class CsrValidator
{
    /// <summary>The largest request accepted, in bytes.</summary>
    public const int MaxSize = 64 * 1024;

    /// <summary>
    /// Validates a request, in this order: it parses (DER, or PEM "CERTIFICATE REQUEST" / "NEW CERTIFICATE REQUEST");
    /// the public key passes <paramref name="policy"/>; the signature algorithm is accepted (ECDSA, RSA PKCS#1 v1.5 or
    /// RSA-PSS, with SHA-256/384/512); the signature verifies with the request's own key. The request is decoded once
    /// (plus .NET's structure checks without signature verification) and its key imported once, for both the key
    /// checks and the signature.
    /// </summary>
    /// <param name="csr">The request bytes.</param>
    /// <param name="policy">The key policy.</param>
    /// <returns>The accepted request, or the first reason for refusal: <see cref="CsrError.Malformed"/> (not a request
    /// .NET's <see cref="CertificateRequest.LoadSigningRequest(byte[], HashAlgorithmName, CertificateRequestLoadOptions, RSASignaturePadding?)"/>
    /// loads, or a key that does not import), then the key errors, then
    /// <see cref="CsrError.UnsupportedSignatureAlgorithm"/>, then <see cref="CsrError.BadSignature"/>. Never throws for bad input.</returns>
    public static CsrValidationResult Validate(byte[] csr, KeyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(csr);
        ArgumentNullException.ThrowIfNull(policy);
        if (csr.Length is 0 or > MaxSize)
        {
            return CsrValidationResult.Refused(CsrError.Malformed);
        }

        byte[]? der = Pem.LooksLikePem(csr)
            ? Pem.Find(Encoding.UTF8.GetString(csr), "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")?.Data
            : (byte[])csr.Clone();
        if (der is null
            || !CsrSignatureAlgorithm.TryRead(der, out CsrSignatureAlgorithm? algorithm, out ReadOnlyMemory<byte> info, out ReadOnlyMemory<byte> signature, out int unusedBits))
        {
            return CsrValidationResult.Refused(CsrError.Malformed);
        }

        // .NET's own structure checks (version, attributes, trailing data, ...) and the subject; cheap without the signature.
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        catch (CryptographicException)
        {
            return CsrValidationResult.Refused(CsrError.Malformed);
        }

        byte[] subjectPublicKeyInfo = request.PublicKey.ExportSubjectPublicKeyInfo();
        CsrError keyError = KeyCheck.Check(request.PublicKey, subjectPublicKeyInfo, policy, out CsrKeyType keyType, out int keySize, out AsymmetricAlgorithm? key);
        using (key)
        {
            if (keyError != CsrError.None)
            {
                return CsrValidationResult.Refused(keyError);
            }

            if (algorithm is null)
            {
                return CsrValidationResult.Refused(CsrError.UnsupportedSignatureAlgorithm);
            }

            if (unusedBits != 0 || !algorithm.ParametersVerifiable || key is null || !Verify(key, algorithm, info.Span, signature.Span))
            {
                return CsrValidationResult.Refused(CsrError.BadSignature);
            }
        }

        return CsrValidationResult.Accepted(new ValidatedCsr(der, request.PublicKey, subjectPublicKeyInfo, keyType, keySize, request.SubjectName));
    }

    /// <summary>The request's signature over its info, with its own (imported) key; false when the key does not fit the algorithm.</summary>
    private static bool Verify(AsymmetricAlgorithm key, CsrSignatureAlgorithm algorithm, ReadOnlySpan<byte> info, ReadOnlySpan<byte> signature)
    {
        try
        {
            return (key, algorithm.Padding) switch
            {
                (ECDsa ec, null) => ec.VerifyData(info, signature, algorithm.Hash, DSASignatureFormat.Rfc3279DerSequence),
                (RSA rsa, { } padding) => rsa.VerifyData(info, signature, algorithm.Hash, padding),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
