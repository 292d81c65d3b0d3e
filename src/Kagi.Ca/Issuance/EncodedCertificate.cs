using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Issuance;

/// <summary>
/// A certificate issued by <see cref="CertificateIssuer.IssueEncoded"/>: its DER and the facts a caller records and
/// answers with, each exactly as <see cref="X509Certificate2"/> would report it for <see cref="Der"/>, without paying
/// for an <see cref="X509Certificate2"/>. Immutable.
/// </summary>
public sealed class EncodedCertificate
{
    private readonly byte[] _der;
    private readonly byte[] _serialNumber;
    private readonly byte[] _subjectPublicKeyInfoSha256;

    internal EncodedCertificate(
        byte[] der, byte[] serialNumber, X500DistinguishedName subjectName, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] subjectPublicKeyInfoSha256)
    {
        _der = der;
        _serialNumber = serialNumber;
        _subjectPublicKeyInfoSha256 = subjectPublicKeyInfoSha256;
        SerialNumber = Convert.ToHexString(serialNumber);
        SubjectName = subjectName;
        Subject = subjectName.Name;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Fingerprint = Convert.ToHexString(subjectPublicKeyInfoSha256);
    }

    /// <summary>The certificate, DER.</summary>
    public ReadOnlyMemory<byte> Der => _der;

    /// <summary>The serial number, big-endian, as in the certificate (<see cref="X509Certificate.SerialNumberBytes"/>).</summary>
    public ReadOnlyMemory<byte> SerialNumberBytes => _serialNumber;

    /// <summary>The serial number in upper-case hex, as <see cref="X509Certificate2.SerialNumber"/> and
    /// <see cref="SerialNumbers.ToHex"/> give it.</summary>
    public string SerialNumber { get; }

    /// <summary>The subject name, as encoded in the certificate. Do not change it (<see cref="System.Security.Cryptography.AsnEncodedData.RawData"/> has a setter).</summary>
    public X500DistinguishedName SubjectName { get; }

    /// <summary>The subject as <see cref="X509Certificate.Subject"/> prints it, e.g.
    /// "SERIALNUMBER=FC000123, CN=YAMADA Taro, OU=Users, O=Kagi Test, C=JP".</summary>
    public string Subject { get; }

    /// <summary>Start of validity, UTC, whole seconds.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of validity, UTC, whole seconds.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The SHA-256 of the certificate's DER SubjectPublicKeyInfo (32 bytes).</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfoSha256 => _subjectPublicKeyInfoSha256;

    /// <summary>The key's fingerprint: <see cref="SubjectPublicKeyInfoSha256"/> in upper-case hex, as
    /// <see cref="Requests.KeyFingerprint.Of(X509Certificate2)"/> gives it for the loaded certificate.</summary>
    public string Fingerprint { get; }
}
