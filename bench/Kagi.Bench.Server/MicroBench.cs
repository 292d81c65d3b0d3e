using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Server.Ca;

namespace Kagi.Bench.Server;

/// <summary>
/// micro: microseconds per call of the .NET/OpenSSL operations inside CsrValidator.Validate, CertificateIssuer.Issue and
/// EnrollmentService.RecordIssuedAsync's certificate parsing, with the server's CA (one thread).
/// <code>
///   kagi-bench-server micro --data DIR [--secret-key B64] [--ms-each 1000]
/// </code>
/// </summary>
internal static class MicroBench
{
    public static int Run(Options o)
    {
        int ms = Math.Max(50, o.GetInt("ms-each", 1000));
        var (ca, session) = ServerSetup.LoadCa(ServerSetup.ServerOptions(o), ServerSetup.Secret(o));
        using CaService disposeCa = ca;
        using IDisposable? disposeSession = session;

        using ECDsa userKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = new CertificateRequest("CN=kagi bench", userKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        ValidatedCsr validated = CsrValidator.Validate(csr, ca.KeyPolicy).Csr!;
        var subject = new SubjectData("Bench User", "0123456789ABCDEF");
        byte[] der;
        using (X509Certificate2 sample = ca.Issue(validated, subject, DateTimeOffset.UtcNow).Certificate)
        {
            der = sample.RawData;
        }

        byte[] spki = userKey.ExportSubjectPublicKeyInfo();
        byte[] hash = SHA256.HashData("abc"u8);
        byte[] signature = userKey.SignHash(hash);
        using ECDsa imported = ECDsa.Create();
        imported.ImportSubjectPublicKeyInfo(spki, out _);

        var results = new Dictionary<string, object?>();
        void Time(string name, Action op)
        {
            for (int i = 0; i < 50; i++)
            {
                op();
            }

            long n = 0;
            long start = Stopwatch.GetTimestamp();
            long end = start + (long)(ms / 1000.0 * Stopwatch.Frequency);
            do
            {
                op();
                n++;
            }
            while (Stopwatch.GetTimestamp() < end);
            results[name] = ServerSetup.Round(Stopwatch.GetElapsedTime(start).TotalMicroseconds / n, 1);
        }

        Time("CA key SignData (32 bytes)", () => ca.Issuing.Key.SignatureGenerator.SignData(hash, HashAlgorithmName.SHA256));
        Time("CaService.Issue (whole)", () => ca.Issue(validated, subject, DateTimeOffset.UtcNow).Certificate.Dispose());
        Time("X509CertificateLoader.LoadCertificate (issued cert)", () => X509CertificateLoader.LoadCertificate(der).Dispose());
        Time("LoadCertificate + PublicKey.ExportSubjectPublicKeyInfo + SerialNumber + NotBefore/NotAfter (RecordIssuedAsync's Parse)", () =>
        {
            using X509Certificate2 c = X509CertificateLoader.LoadCertificate(der);
            _ = SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo());
            _ = c.SerialNumber;
            _ = c.NotBefore;
            _ = c.NotAfter;
        });
        Time("EndEntitySubject.Build", () => EndEntitySubject.Build(subject, ca.Profile));
        Time("7 end-entity extensions (as EndEntityExtensions.For)", () =>
        {
            _ = new X509BasicConstraintsExtension(false, false, 0, critical: true);
            _ = new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true);
            _ = new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false);
            _ = new X509SubjectKeyIdentifierExtension(validated.PublicKey, critical: false);
            _ = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([ca.Profile.CrlDistributionPointUrl.AbsoluteUri]);
            _ = new X509AuthorityInformationAccessExtension(null, [ca.Profile.AiaCaIssuersUrl.AbsoluteUri]);
        });
        Time("CsrValidator.Validate (whole)", () => CsrValidator.Validate(csr, ca.KeyPolicy));
        Time("CertificateRequest.LoadSigningRequest (skip signature)", () =>
            CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation));
        Time("CertificateRequest.LoadSigningRequest (verify signature)", () =>
            CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default));
        Time("PublicKey.GetECDsaPublicKey (key import)", () => validated.PublicKey.GetECDsaPublicKey()!.Dispose());
        Time("ECDsa.ImportSubjectPublicKeyInfo", () =>
        {
            using ECDsa e = ECDsa.Create();
            e.ImportSubjectPublicKeyInfo(spki, out _);
        });
        Time("ECDsa.VerifyHash (key already imported)", () => imported.VerifyHash(hash, signature));
        Time("X509Certificate2.Subject + SerialNumber (response)", () =>
        {
            using X509Certificate2 c = X509CertificateLoader.LoadCertificate(der);
            _ = c.Subject;
        });

        results["mode"] = "micro";
        ServerSetup.Emit(results);
        return 0;
    }
}
