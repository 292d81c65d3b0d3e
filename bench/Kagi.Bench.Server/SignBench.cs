using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Server.Ca;

namespace Kagi.Bench.Server;

/// <summary>
/// sign: the limit, in-process, with the server's own CA key (loaded from DIR/ca exactly as the server loads it;
/// with --ca-module, the same key objects on the PKCS#11 token the server uses).
/// <code>
///   kagi-bench-server sign --data DIR [--secret-key B64] [--origin URL] --what sign32|tbs|issue|validate-issue
///                          --ms N [--threads T] [--warmup N] [--ca-module PATH --ca-token-serial SERIAL]
/// </code>
/// sign32: the CA key's signature generator (the serialized one the server uses) over 32 bytes (SHA-256 + ECDSA).
/// tbs: the same over a real 400-odd-byte TBSCertificate. issue: CertificateIssuer through CaService.Issue (profile,
/// extensions, encoding, signature, X509Certificate2) for one validated CSR. validate-issue: CsrValidator.Validate
/// and then issue: all the CPU work of the pipeline except the database and HTTP.
/// </summary>
internal static class SignBench
{
    public static int Run(Options o)
    {
        var (ca, session) = ServerSetup.LoadCa(ServerSetup.ServerOptions(o), ServerSetup.Secret(o));
        try
        {
            return Loop(ca, o, "sign");
        }
        finally
        {
            ca.Dispose();
            session?.Dispose();
        }
    }

    /// <summary>Times one of the operations above against <paramref name="ca"/> and prints the JSON line.</summary>
    public static int Loop(CaService ca, Options o, string mode, Dictionary<string, object?>? extra = null)
    {
        string what = o.Get("what", "sign32");
        int ms = Math.Max(1, o.GetInt("ms", 3000));
        int threads = Math.Max(1, o.GetInt("threads", 1));
        int warmup = o.GetInt("warmup", 200);

        using ECDsa userKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = new CertificateRequest("CN=kagi bench", userKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        ValidatedCsr validated = CsrValidator.Validate(csr, ca.KeyPolicy).Csr ?? throw new InvalidOperationException("CSR refused");
        var subject = new SubjectData("Bench User", "0123456789ABCDEF");
        X509SignatureGenerator generator = ca.Issuing.Key.SignatureGenerator;
        HashAlgorithmName hash = ca.Issuing.Key.HashAlgorithm;
        byte[] data32 = SHA256.HashData("abc"u8);
        byte[] tbs;
        using (X509Certificate2 sample = ca.Issue(validated, subject, DateTimeOffset.UtcNow).Certificate)
        {
            tbs = new AsnReader(sample.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        }

        Action op = what switch
        {
            "sign32" => () => generator.SignData(data32, hash),
            "tbs" => () => generator.SignData(tbs, hash),
            "issue" => () => _ = ca.IssueEncoded(validated, subject, DateTimeOffset.UtcNow),
            "validate-issue" => () =>
            {
                ValidatedCsr v = CsrValidator.Validate(csr, ca.KeyPolicy).Csr!;
                _ = ca.IssueEncoded(v, subject, DateTimeOffset.UtcNow);
            },
            _ => throw new UsageException("--what must be sign32, tbs, issue or validate-issue"),
        };

        for (int i = 0; i < warmup; i++)
        {
            op();
        }

        var (ops, seconds) = ServerSetup.TimedLoop(threads, ms, _ => op());
        var result = new Dictionary<string, object?>
        {
            ["mode"] = mode,
            ["what"] = what,
            ["key"] = ca.Issuing.Key.GetType().Name + "/" + ca.Issuing.Key.KeyType,
            ["threads"] = threads,
            ["ops"] = ops,
            ["seconds"] = ServerSetup.Round(seconds, 4),
            ["opsPerSecond"] = ServerSetup.Round(ops / seconds),
            ["tbsBytes"] = tbs.Length,
        };
        foreach (var (k, v) in extra ?? [])
        {
            result[k] = v;
        }

        ServerSetup.Emit(result);
        return 0;
    }
}
