using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>Real keys and certificates for tests.</summary>
public static class Keys
{
    public static byte[] NewSpki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }

    public static byte[] NewCertificate() => NewCertificate(out _);

    public static byte[] NewCertificate(out byte[] spki)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        spki = key.ExportSubjectPublicKeyInfo();
        var request = new CertificateRequest("CN=YAMADA Taro, SERIALNUMBER=FC0123456789ABCDEF", key, HashAlgorithmName.SHA256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now.AddYears(1));
        return certificate.Export(X509ContentType.Cert);
    }

    public static string SerialOf(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return certificate.SerialNumber;
    }
}
