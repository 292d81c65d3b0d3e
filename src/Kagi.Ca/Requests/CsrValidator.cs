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
    /// RSA-PSS, with SHA-256/384/512); the signature verifies with the request's own key.
    /// </summary>
    /// <param name="csr">The request bytes.</param>
    /// <param name="policy">The key policy.</param>
    /// <returns>The accepted request, or the first reason for refusal. Never throws for bad input.</returns>
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
        if (der is null || !CsrSignatureAlgorithm.TryRead(der, out CsrSignatureAlgorithm? algorithm))
        {
            return CsrValidationResult.Refused(CsrError.Malformed);
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        catch (CryptographicException)
        {
            return CsrValidationResult.Refused(CsrError.Malformed);
        }

        CsrError keyError = KeyCheck.Check(request.PublicKey, policy, out CsrKeyType keyType, out int keySize);
        if (keyError != CsrError.None)
        {
            return CsrValidationResult.Refused(keyError);
        }

        if (algorithm is null)
        {
            return CsrValidationResult.Refused(CsrError.UnsupportedSignatureAlgorithm);
        }

        try
        {
            // Without SkipSignatureValidation the request's signature is checked with its own public key.
            _ = CertificateRequest.LoadSigningRequest(der, algorithm.Hash, CertificateRequestLoadOptions.Default, algorithm.Padding);
        }
        catch (CryptographicException)
        {
            return CsrValidationResult.Refused(CsrError.BadSignature);
        }

        return CsrValidationResult.Accepted(new ValidatedCsr(der, request.PublicKey, keyType, keySize, request.SubjectName));
    }
}
