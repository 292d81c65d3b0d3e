using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Formats;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Profiles;

namespace Kagi.Ca.Authorities;

/// <summary>
/// A CA: its certificate (public part only) and its signing key. Create one with <see cref="CreateRoot"/> or
/// <see cref="CreateIssuing"/>, or load one with <see cref="FromPem"/>, <see cref="FromPkcs12"/> or
/// <see cref="FromCertificate"/>. The authority owns its key and certificate and disposes both.
/// </summary>
public sealed partial class CertificateAuthority : IDisposable
{
    private readonly X509SubjectKeyIdentifierExtension _subjectKeyIdentifier;
    private IssuanceTemplate? _issuanceTemplate;

    private CertificateAuthority(X509Certificate2 certificate, ICaKey key)
    {
        if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new CaException(CaError.KeyMismatch);
        }

        X509BasicConstraintsExtension? constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        X509KeyUsageExtension? usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true } || usage is null || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            throw new CaException(CaError.NotACertificateAuthority);
        }

        Certificate = certificate;
        Key = key;
        _subjectKeyIdentifier = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(certificate.PublicKey, critical: false);
    }

    /// <summary>The CA certificate, without private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The signing key.</summary>
    public ICaKey Key { get; }

    /// <summary>The CA's name: the issuer name of what it signs.</summary>
    public X500DistinguishedName Name => Certificate.SubjectName;

    /// <summary>The subject key identifier (from the certificate's extension, else the SHA-1 of the public key).</summary>
    public ReadOnlyMemory<byte> KeyIdentifier => _subjectKeyIdentifier.SubjectKeyIdentifierBytes;

    /// <summary>Start of the CA certificate's validity (UTC).</summary>
    public DateTimeOffset NotBefore => CertificateTimes.NotBefore(Certificate);

    /// <summary>End of the CA certificate's validity (UTC).</summary>
    public DateTimeOffset NotAfter => CertificateTimes.NotAfter(Certificate);

    /// <summary>True for a self-issued CA (subject equals issuer), i.e. a root.</summary>
    public bool IsRoot => Certificate.SubjectName.RawData.AsSpan().SequenceEqual(Certificate.IssuerName.RawData);

    /// <summary>True when <paramref name="now"/> is within the CA certificate's validity.</summary>
    public bool IsValidAt(DateTimeOffset now) => CertificateTimes.IsValidAt(Certificate, now);

    /// <summary>The certificate as a "CERTIFICATE" PEM block ending in a newline.</summary>
    public string ExportCertificatePem() => Pem.Write("CERTIFICATE", Certificate.RawData);

    /// <summary>The key as an encrypted PKCS#8 PEM (see <see cref="SoftwareCaKey.ExportEncryptedPem"/>).</summary>
    /// <param name="password">The password; it must not be empty.</param>
    /// <returns>PEM text.</returns>
    /// <exception cref="CaException"><see cref="CaError.KeyNotExportable"/> for a key on a token.</exception>
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    public string ExportKeyPem(ReadOnlySpan<char> password) => Key is SoftwareCaKey software
        ? software.ExportEncryptedPem(password)
        : throw new CaException(CaError.KeyNotExportable);

    /// <summary>Disposes the key and the certificate.</summary>
    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
    }

    /// <summary>The subject key identifier as an extension object, for authority key identifiers.</summary>
    internal X509SubjectKeyIdentifierExtension SubjectKeyIdentifierExtension => _subjectKeyIdentifier;

    /// <summary>
    /// The encoded parts every user's certificate with <paramref name="profile"/> shares; made once and kept for the
    /// last profile asked for (a race only makes it twice).
    /// </summary>
    internal IssuanceTemplate IssuanceTemplateFor(EndEntityProfile profile)
    {
        IssuanceTemplate? template = Volatile.Read(ref _issuanceTemplate);
        if (template is null || !template.Fits(profile))
        {
            template = IssuanceTemplate.Create(this, profile);
            Volatile.Write(ref _issuanceTemplate, template);
        }

        return template;
    }
}
