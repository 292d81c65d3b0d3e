using System.Diagnostics;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Server.Ca;

namespace Kagi.Bench.Server;

/// <summary>
/// micro: microseconds per call of the .NET/OpenSSL operations inside CsrValidator.Validate, CertificateIssuer.Issue and
/// EnrollmentService.RecordIssuedAsync's certificate parsing, with the server's CA (one thread). The "A/B" entries
/// compare, in the same run and alternating rounds, the former code paths (replicated here: CertificateRequest.Create
/// with an X509Certificate2 result, and a validator that loads the request twice and imports the key twice) with
/// CertificateIssuer.IssueEncoded and today's CsrValidator.Validate.
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

        // A/B: old and new paths alternate in rounds (load on the machine hits both alike); each side's best round counts.
        void Pair(string name, Action before, Action after)
        {
            const int Rounds = 4;
            for (int i = 0; i < 50; i++)
            {
                before();
                after();
            }

            double bestBefore = double.MaxValue, bestAfter = double.MaxValue;
            for (int round = 0; round < Rounds; round++)
            {
                bestBefore = Math.Min(bestBefore, PerCall(before, ms / Rounds));
                bestAfter = Math.Min(bestAfter, PerCall(after, ms / Rounds));
            }

            results[$"A/B {name}: old µs"] = ServerSetup.Round(bestBefore, 1);
            results[$"A/B {name}: new µs"] = ServerSetup.Round(bestAfter, 1);
            results[$"A/B {name}: speed-up"] = ServerSetup.Round(bestBefore / bestAfter, 2);
        }

        CertificateAuthority issuing = ca.Issuing;
        EndEntityProfile profile = ca.Profile;
        using RSA rsaUserKey = RSA.Create(2048);
        byte[] rsaCsr = new CertificateRequest("CN=kagi bench", rsaUserKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        Pair("issue (certificate only)",
            () => OldIssue(issuing, validated, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New()).Dispose(),
            () => CertificateIssuer.IssueEncoded(issuing, validated, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New()));
        Pair("issue + response facts (serial hex, Subject, NotBefore/NotAfter, SPKI SHA-256)",
            () =>
            {
                using X509Certificate2 c = OldIssue(issuing, validated, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New());
                _ = c.SerialNumber;
                _ = c.Subject;
                _ = c.NotBefore;
                _ = c.NotAfter;
                _ = SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo());
            },
            () =>
            {
                EncodedCertificate e = CertificateIssuer.IssueEncoded(issuing, validated, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New());
                _ = e.SerialNumber;
                _ = e.Subject;
                _ = e.NotBefore;
                _ = e.NotAfter;
                _ = e.SubjectPublicKeyInfoSha256;
            });
        Pair("CsrValidator.Validate P-256", () => OldValidate(csr), () => CsrValidator.Validate(csr, ca.KeyPolicy));
        Pair("CsrValidator.Validate RSA-2048", () => OldValidate(rsaCsr), () => CsrValidator.Validate(rsaCsr, ca.KeyPolicy));
        Pair("validate P-256 CSR + issue + response facts",
            () =>
            {
                using X509Certificate2 c = OldIssue(issuing, OldValidate(csr)!, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New());
                _ = c.SerialNumber;
                _ = c.Subject;
                _ = c.NotBefore;
                _ = c.NotAfter;
                _ = SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo());
            },
            () =>
            {
                ValidatedCsr v = CsrValidator.Validate(csr, ca.KeyPolicy).Csr!;
                EncodedCertificate e = CertificateIssuer.IssueEncoded(issuing, v, subject, profile, DateTimeOffset.UtcNow, SerialNumbers.New());
                _ = e.SerialNumber;
                _ = e.Subject;
                _ = e.SubjectPublicKeyInfoSha256;
            });

        results["mode"] = "micro";
        ServerSetup.Emit(results);
        return 0;
    }

    private static double PerCall(Action op, int ms)
    {
        long n = 0;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(ms / 1000.0 * Stopwatch.Frequency);
        do
        {
            op();
            n++;
        }
        while (Stopwatch.GetTimestamp() < end);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / n;
    }

    /// <summary>CertificateIssuer.Issue as it was before IssueEncoded: CertificateRequest.Create, which loads its output.</summary>
    private static X509Certificate2 OldIssue(
        CertificateAuthority authority, ValidatedCsr csr, SubjectData subject, EndEntityProfile profile, DateTimeOffset now, byte[] serial)
    {
        X500DistinguishedName name = EndEntitySubject.Build(subject, profile);
        if (!SerialNumbers.IsValid(serial) || !authority.IsValidAt(now))
        {
            throw new InvalidOperationException("bench: invalid serial or CA");
        }

        DateTimeOffset notBefore = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        DateTimeOffset notAfter = notBefore + profile.Validity;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }

        var request = new CertificateRequest(name, csr.PublicKey, authority.Key.HashAlgorithm);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(csr.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(authority.KeyIdentifier.Span));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([profile.CrlDistributionPointUrl.AbsoluteUri]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(
            profile.AiaOcspUrl is { } ocsp ? [ocsp.AbsoluteUri] : null, [profile.AiaCaIssuersUrl.AbsoluteUri]));
        return request.Create(authority.Name, authority.Key.SignatureGenerator, notBefore, notAfter, serial);
    }

    /// <summary>
    /// The work CsrValidator.Validate did before it decoded and imported once: read the outer structure and algorithm,
    /// load the request without the signature, import the key for the key checks (RSA: export its parameters), load
    /// the request again verifying the signature (which imports the key again), export the SPKI and hash it. Returns a
    /// validated request from today's validator for the issuing half of the end-to-end pair (not timed separately).
    /// </summary>
    private static ValidatedCsr? OldValidate(byte[] der)
    {
        byte[] copy = (byte[])der.Clone();
        var outer = new AsnReader(copy, AsnEncodingRules.DER);
        AsnReader request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        _ = request.ReadEncodedValue();
        AsnReader identifier = request.ReadSequence();
        _ = request.ReadBitString(out _);
        request.ThrowIfNotEmpty();
        string oid = identifier.ReadObjectIdentifier();
        HashAlgorithmName hash = oid is "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        RSASignaturePadding? padding = oid.StartsWith("1.2.840.113549", StringComparison.Ordinal) ? RSASignaturePadding.Pkcs1 : null;

        CertificateRequest loaded = CertificateRequest.LoadSigningRequest(copy, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        if (loaded.PublicKey.GetECDsaPublicKey() is { } ec)
        {
            ec.Dispose();
        }
        else
        {
            using RSA rsa = loaded.PublicKey.GetRSAPublicKey()!;
            _ = rsa.KeySize;
            _ = rsa.ExportParameters(false);
        }

        _ = CertificateRequest.LoadSigningRequest(copy, hash, CertificateRequestLoadOptions.Default, padding);
        byte[] spki = loaded.PublicKey.ExportSubjectPublicKeyInfo();
        _ = Convert.ToHexString(SHA256.HashData(spki));
        return OldValidated.TryGetValue(der, out ValidatedCsr? v) ? v : OldValidated[der] = CsrValidator.Validate(der, KeyPolicy.Default).Csr;
    }

    private static readonly Dictionary<byte[], ValidatedCsr?> OldValidated = new(ReferenceEqualityComparer.Instance);
}
