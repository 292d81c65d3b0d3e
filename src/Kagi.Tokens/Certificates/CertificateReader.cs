using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Certificates;

/// <summary>Reads the X.509 certificates stored on a token.</summary>
public static class CertificateReader
{
    private const ulong CategoryAuthority = 2;

    /// <summary>
    /// Every X.509 certificate object visible in the session. Whether the private key is present is looked up by
    /// CKA_ID; without login a private key can be invisible, so a missing key is reported as null (unknown) then.
    /// Objects whose value is not a parseable certificate are skipped.
    /// </summary>
    /// <exception cref="Pkcs11Exception">The module failed unexpectedly.</exception>
    public static IReadOnlyList<TokenCertificate> Read(TokenSession session, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Session s = session.Session;
        IReadOnlyList<ulong> handles = s.FindObjects(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509));
        var privateKeyIds = new HashSet<string>(
            s.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY))
                .Select(h => s.GetAttribute(h, CKA.CKA_ID))
                .Where(v => v.IsAvailable)
                .Select(v => Convert.ToHexString(v.AsBytes())),
            StringComparer.Ordinal);

        var result = new List<TokenCertificate>();
        foreach (ulong handle in handles)
        {
            IReadOnlyList<AttributeValue> a = s.GetAttributes(handle, CKA.CKA_VALUE, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_CERTIFICATE_CATEGORY);
            if (!a[0].IsAvailable || !CertificateDetails.IsSingleDerCertificate(a[0].AsBytes()))
            {
                continue;
            }

            byte[] der = a[0].AsBytes();
            X509Certificate2 certificate;
            try
            {
                certificate = X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException)
            {
                continue;
            }

            using (certificate)
            {
                string id = a[2].IsAvailable ? Convert.ToHexString(a[2].AsBytes()) : string.Empty;
                bool authority = CertificateDetails.IsCa(certificate) ||
                    (a[3].IsAvailable && a[3].Value!.Length == NativeAbi.Current.ULongSize && a[3].AsULong() == CategoryAuthority);
                bool? hasKey = id.Length > 0 && privateKeyIds.Contains(id) ? true : session.LoggedIn || authority ? false : null;
                (string algorithm, int size, string? curve) = CertificateDetails.Key(certificate);
                var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                result.Add(new TokenCertificate(
                    handle,
                    a[1].IsAvailable ? a[1].AsString() : string.Empty,
                    id,
                    CertificateDetails.SerialHex(certificate),
                    certificate.Subject,
                    certificate.Issuer,
                    new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                    notAfter,
                    (int)Math.Floor((notAfter - time.GetUtcNow()).TotalDays),
                    algorithm,
                    size,
                    curve,
                    CertificateDetails.KeyUsages(certificate),
                    CertificateDetails.ExtendedKeyUsages(certificate),
#pragma warning disable CA5350 // a SHA-1 fingerprint identifies a certificate for people comparing with vendor tools; not a security use
                    Convert.ToHexString(SHA1.HashData(der)),
#pragma warning restore CA5350
                    Convert.ToHexString(SHA256.HashData(der)),
                    CertificateDetails.CertificateId(certificate.SubjectName),
                    authority,
                    hasKey,
                    der));
            }
        }

        return result;
    }

    /// <summary>
    /// The one certificate <paramref name="key"/> designates: its CKA_ID (hex), serial number (hex), certificate
    /// ID, SHA-256 fingerprint or label, compared case-insensitively.
    /// </summary>
    /// <exception cref="KagiException"><see cref="KagiError.CertificateNotFound"/> or <see cref="KagiError.CertificateAmbiguous"/>.</exception>
    public static TokenCertificate Find(IReadOnlyList<TokenCertificate> certificates, string key)
    {
        string k = key.Trim();
        TokenCertificate[] matches = certificates.Where(c =>
            Same(c.Id, k) || Same(c.SerialNumber, k.Replace(":", string.Empty, StringComparison.Ordinal)) || Same(c.CertificateId, k) ||
            Same(c.Sha256, k.Replace(":", string.Empty, StringComparison.Ordinal)) || Same(c.Label, k)).ToArray();
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new KagiException(KagiError.CertificateNotFound, [key]),
            _ => throw new KagiException(KagiError.CertificateAmbiguous, [key, .. matches.Select(m => m.SerialNumber)]),
        };

        static bool Same(string value, string k) => value.Length > 0 && string.Equals(value, k, StringComparison.OrdinalIgnoreCase);
    }
}
