using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;
using Kagi.Ca.Keys;

namespace Kagi.Ca.Authorities;

/// <summary>Loading existing CAs: PEM certificate and key, PKCS#12, or a certificate with a key found elsewhere (a token).</summary>
public sealed partial class CertificateAuthority
{
    /// <summary>
    /// A CA from its certificate and its key. The certificate must be a CA certificate (basicConstraints CA:TRUE,
    /// keyUsage keyCertSign) whose public key is <paramref name="key"/>'s.
    /// </summary>
    /// <param name="certificate">The CA certificate; it is copied (without any private key), the caller keeps the original.</param>
    /// <param name="key">The key; on success the authority owns it, on failure the caller still does.</param>
    /// <returns>The authority.</returns>
    /// <exception cref="CaException"><see cref="CaError.KeyMismatch"/> or <see cref="CaError.NotACertificateAuthority"/>.</exception>
    public static CertificateAuthority FromCertificate(X509Certificate2 certificate, ICaKey key)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        return Adopt(X509CertificateLoader.LoadCertificate(certificate.RawData), key);
    }

    /// <summary>
    /// A CA from PEM text: the first "CERTIFICATE" block of <paramref name="certificatePem"/> (further blocks, such as the
    /// chain, are ignored) and the key in <paramref name="keyPem"/> (see <see cref="SoftwareCaKey.ImportEncryptedPem"/>).
    /// </summary>
    /// <param name="certificatePem">PEM text with the CA certificate first.</param>
    /// <param name="keyPem">PEM text with the encrypted private key.</param>
    /// <param name="password">The key's password.</param>
    /// <param name="allowUnencryptedKey">Accept an unencrypted key (tests and migrations only).</param>
    /// <returns>The authority.</returns>
    /// <exception cref="CaException"><see cref="CaError.MalformedCertificate"/>; the key errors of
    /// <see cref="SoftwareCaKey.ImportEncryptedPem"/>; <see cref="CaError.KeyMismatch"/>; <see cref="CaError.NotACertificateAuthority"/>.</exception>
    public static CertificateAuthority FromPem(
        ReadOnlySpan<char> certificatePem, ReadOnlySpan<char> keyPem, ReadOnlySpan<char> password, bool allowUnencryptedKey = false)
    {
        PemBlock block = Pem.Find(certificatePem, "CERTIFICATE") ?? throw new CaException(CaError.MalformedCertificate);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(block.Data);
        }
        catch (CryptographicException e)
        {
            throw new CaException(CaError.MalformedCertificate, e);
        }

        try
        {
            SoftwareCaKey key = SoftwareCaKey.ImportEncryptedPem(keyPem, password, allowUnencryptedKey);
            try
            {
                return new CertificateAuthority(certificate, key);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A CA from a PKCS#12 (PFX) file that holds exactly one certificate with its private key (other certificates,
    /// such as the chain, are ignored). The key becomes a <see cref="SoftwareCaKey"/>.
    /// </summary>
    /// <param name="pkcs12">The PKCS#12 bytes.</param>
    /// <param name="password">The PKCS#12 password.</param>
    /// <returns>The authority.</returns>
    /// <exception cref="CaException"><see cref="CaError.MalformedCertificate"/> when the bytes are not PKCS#12;
    /// <see cref="CaError.WrongPkcs12Password"/> when it cannot be opened with the password (or is damaged inside);
    /// <see cref="CaError.Pkcs12KeyNotFound"/>; <see cref="CaError.UnsupportedKeyType"/>;
    /// <see cref="CaError.NotACertificateAuthority"/>.</exception>
    public static CertificateAuthority FromPkcs12(byte[] pkcs12, ReadOnlySpan<char> password)
    {
        ArgumentNullException.ThrowIfNull(pkcs12);
        if (!IsPkcs12(pkcs12))
        {
            throw new CaException(CaError.MalformedCertificate);
        }

        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(pkcs12, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            throw new CaException(CaError.WrongPkcs12Password, e);
        }

        try
        {
            X509Certificate2[] withKey = [.. all.Where(c => c.HasPrivateKey)];
            if (withKey.Length != 1)
            {
                throw new CaException(CaError.Pkcs12KeyNotFound);
            }

            AsymmetricAlgorithm key = (AsymmetricAlgorithm?)withKey[0].GetECDsaPrivateKey()
                ?? withKey[0].GetRSAPrivateKey()
                ?? throw new CaException(CaError.UnsupportedKeyType);
            SoftwareCaKey caKey = SoftwareCaKey.Adopt(key);
            try
            {
                return FromCertificate(withKey[0], caKey);
            }
            catch
            {
                caKey.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (X509Certificate2 certificate in all)
            {
                certificate.Dispose();
            }
        }
    }

    private static bool IsPkcs12(byte[] data)
    {
        try
        {
            return X509Certificate2.GetCertContentType(data) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
