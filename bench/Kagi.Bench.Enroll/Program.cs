using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Protocol;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Bench.Enroll;

/// <summary>
/// kagi-bench-enroll: end-to-end enrollment time on SoftHSM2 tokens against a running Kagi server, split by step, each
/// step next to a baseline measured right after it in the same run (the same token operation through the raw PKCS#11
/// binding, or a bare HTTPS round trip). bench/run-enroll.sh starts the server and the tokens and drives it.
/// <para>
/// Two kinds of enrollment alternate in every round: "split" runs STEP 1–2 through the public
/// <see cref="CertificateStorageFlow"/> API and STEP 3–5 through the same public client and token APIs the flow uses,
/// timing each step; "flow" runs the whole <see cref="CertificateStorageFlow"/> (as `kagi enroll` does) and times it as
/// one, so the split's sum can be checked against the real thing.
/// </para>
/// Options: --server URL --root PEM --api-key-file FILE --mail DIR --module SO --rounds N. The tokens' SO PIN comes
/// from the environment (KAGI_BENCH_SO_PIN). Prints Markdown on stdout, progress on stderr.
/// </summary>
internal static class Program
{
    private const string TokenPrefix = "enroll-bench-";
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal);

    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            Options[args[i].TrimStart('-')] = args[i + 1];
        }

        string server = Option("server").TrimEnd('/');
        int rounds = int.Parse(Option("rounds"), CultureInfo.InvariantCulture);
        string soPinText = Environment.GetEnvironmentVariable("KAGI_BENCH_SO_PIN") ?? throw new InvalidOperationException("KAGI_BENCH_SO_PIN is not set");
        using X509Certificate2 root = X509CertificateLoader.LoadCertificateFromFile(Option("root"));
        using HttpClient http = Http(server, root);
        var admin = new KagiApiClient(http) { ApiKey = File.ReadAllText(Option("api-key-file")).Trim() };

        using ModuleSet modules = ModuleSet.Open(new KagiSettings { Module = (Option("module"), ModuleSource.Option) });
        var slots = new Queue<Slot>(new TokenDirectory(modules).List().Where(t => t.Info.Label.StartsWith(TokenPrefix, StringComparison.Ordinal)).Select(t => t.Slot));
        var bench = new Bench(http, admin, server, Option("mail"), Option("module"), soPinText, slots);

        KeySpec[] specs = [KeySpec.EcP256, KeySpec.Rsa2048];
        foreach (KeySpec spec in specs)
        {
            Log($"warm-up {spec}");
            await bench.SplitAsync(spec, record: false);
            await bench.FlowAsync(spec, record: false);
        }

        for (int r = 1; r <= rounds; r++)
        {
            foreach (KeySpec spec in r % 2 == 1 ? specs : specs.Reverse())
            {
                if (r % 2 == 1)
                {
                    await bench.SplitAsync(spec, record: true);
                    await bench.FlowAsync(spec, record: true);
                }
                else
                {
                    await bench.FlowAsync(spec, record: true);
                    await bench.SplitAsync(spec, record: true);
                }

                Log($"round {r}/{rounds} {spec}: split {bench.LastSplitMs:F0} ms, flow {bench.LastFlowMs:F0} ms");
            }
        }

        bench.Report(rounds, specs);
        return 0;
    }

    internal static void Log(string message) => Console.Error.WriteLine("[bench-enroll] " + message);

    private static string Option(string name) =>
        Options.TryGetValue(name, out string? value) ? value : throw new InvalidOperationException($"--{name} is required");

    private static HttpClient Http(string server, X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var ours = new X509Chain();
                    ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    ours.ChainPolicy.CustomTrustStore.Add(root);
                    ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    if (chain is not null)
                    {
                        ours.ChainPolicy.ExtraStore.AddRange(chain.ChainElements.Select(e => e.Certificate).ToArray());
                    }

                    return ours.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(server + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }
}

/// <summary>One step's samples and its baseline's samples (milliseconds).</summary>
internal sealed record StepSamples(string Step, string Baseline)
{
    public List<double> Values { get; } = [];

    public List<double> BaselineValues { get; } = [];
}

internal sealed partial class Bench(HttpClient http, KagiApiClient admin, string origin, string mailDirectory, string module, string soPin, Queue<Slot> slots)
{
    private readonly Dictionary<(KeySpec, string), StepSamples> _steps = [];
    private readonly Dictionary<KeySpec, List<double>> _flow = [];
    private int _enrollments;

    public double LastSplitMs { get; private set; }

    public double LastFlowMs { get; private set; }

    /// <summary>STEP 1–2 through the flow, STEP 3–5 through the public client and token APIs, each step timed with its baseline.</summary>
    public async Task SplitAsync(KeySpec spec, bool record)
    {
        (AttachedToken token, string storagePin) = await PrepareAsync();
        var api = new KagiApiClient(http);
        var flow = new CertificateStorageFlow(api, token, origin);
        var times = new List<(string Step, string Baseline, double Ms, double BaselineMs)>();

        double ms = await TimeAsync(() => flow.AuthenticateTokenAsync());
        times.Add(("token authentication (nonce, distribution-key signature, verification)", "2 HTTPS round trips (GET /health)", ms, await RoundTripsAsync(2)));

        ms = await TimeAsync(async () => { await flow.GetAssignedUserAsync(); });
        AssignedUserResponse user = await api.GetAssignedUserAsync();
        times.Add(("user confirmation", "1 HTTPS round trip", ms, await RoundTripsAsync(1)));

        StoragePinResponse? verified = null;
        ms = await TimeAsync(async () => verified = await api.VerifyStoragePinAsync(storagePin));
        times.Add(("storage PIN check (server: PBKDF2-SHA256, shipped iterations)", "1 HTTPS round trip", ms, await RoundTripsAsync(1)));

        byte[] keyId = SHA256.HashData(Encoding.UTF8.GetBytes(user.CertificateId))[..8];
        using PinBuffer transport = PinBuffer.FromChars(verified!.TransportPin);
        using PinBuffer newPin = PinBuffer.FromChars("bn" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
        using PinBuffer otherPin = PinBuffer.FromChars("bo" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
        long start = Stopwatch.GetTimestamp();
        using TokenSession session = TokenSession.Open(token, readWrite: true);
        bool loggedIn = session.TryLogin(transport).LoggedIn;
        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Check(loggedIn, "login with the transport PIN failed");
        session.Session.Logout();
        start = Stopwatch.GetTimestamp();
        using (Session raw = token.Slot.OpenSession(readWrite: true))
        {
            raw.Login(CKU.CKU_USER, transport.Bytes);
            times.Add(("read/write session + login with the transport PIN", "raw C_OpenSession + C_Login", ms, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }

        start = Stopwatch.GetTimestamp();
        TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, spec, user.RomanizedName, keyId);
        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        times.Add(("key generation on the token", "raw C_GenerateKeyPair, minimal template", ms, RawKeyGeneration(session.Session, spec)));

        byte[] csr = [];
        start = Stopwatch.GetTimestamp();
        using (AsymmetricAlgorithm signer = key.CreateSigner())
        {
            csr = signer is ECDsa ec
                ? new CertificateRequest($"CN={user.CertificateId}", ec, HashAlgorithmName.SHA256).CreateSigningRequest()
                : new CertificateRequest($"CN={user.CertificateId}", (RSA)signer, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        }

        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        times.Add(("CSR signing on the token", "raw C_SignInit + C_Sign of one hash", ms, RawSign(session.Session, key)));
        var request = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        Check(request.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.SubjectPublicKeyInfo()), "the CSR does not carry the token key");

        IssuedCertificateResponse? issued = null;
        ms = await TimeAsync(async () => issued = await api.RequestCertificateAsync(csr));
        times.Add(("issuance round trip (POST /certificate)", "1 HTTPS round trip", ms, await RoundTripsAsync(1)));
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued!.Certificate));
        Check(certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.SubjectPublicKeyInfo()), "the certificate does not certify the token key");

        X509Certificate2[] chain = issued.Chain.Select(c => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(c))).ToArray();
        start = Stopwatch.GetTimestamp();
        _ = session.Session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE)); // the flow looks for certificates already present
        foreach (X509Certificate2 ca in chain)
        {
            CertificateWriter.Write(session.Session, ca, ca.GetNameInfo(X509NameType.SimpleName, false), [], authority: true);
        }

        CertificateWriter.Write(session.Session, certificate, user.RomanizedName, keyId, authority: false);
        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        times.Add(("certificate + CA chain write", $"raw C_CreateObject x{chain.Length + 1}, minimal template (class, type, token, subject, value)", ms, RawWrite(session.Session, [.. chain, certificate])));

        start = Stopwatch.GetTimestamp();
        CKR set = session.SetPin(transport, newPin);
        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Check(set == CKR.CKR_OK, $"C_SetPIN: {set}");
        start = Stopwatch.GetTimestamp();
        session.Session.SetPin(newPin.Bytes, otherPin.Bytes);
        times.Add(("user PIN set", "raw C_SetPIN", ms, Stopwatch.GetElapsedTime(start).TotalMilliseconds));

        ms = await TimeAsync(async () => { await api.ReportStoredAsync(issued.SerialNumber); });
        times.Add(("report stored", "1 HTTPS round trip", ms, await RoundTripsAsync(1)));

        LastSplitMs = times.Sum(t => t.Ms);
        if (record)
        {
            foreach (var t in times)
            {
                if (!_steps.TryGetValue((spec, t.Step), out StepSamples? s))
                {
                    _steps[(spec, t.Step)] = s = new StepSamples(t.Step, t.Baseline);
                }

                s.Values.Add(t.Ms);
                s.BaselineValues.Add(t.BaselineMs);
            }
        }

        foreach (X509Certificate2 c in chain)
        {
            c.Dispose();
        }
    }

    /// <summary>The whole enrollment through <see cref="CertificateStorageFlow"/>, timed as one.</summary>
    public async Task FlowAsync(KeySpec spec, bool record)
    {
        (AttachedToken token, string storagePin) = await PrepareAsync();
        var flow = new CertificateStorageFlow(new KagiApiClient(http), token, origin);
        using PinBuffer newPin = PinBuffer.FromChars("bn" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
        StoredCertificate? stored = null;
        double ms = await TimeAsync(async () =>
        {
            await flow.AuthenticateTokenAsync();
            await flow.GetAssignedUserAsync();
            Check((await flow.VerifyStoragePinAsync(storagePin)).Accepted, "storage PIN refused");
            stored = await flow.StoreAsync(newPin, spec);
        });
        Check(stored is not null, "nothing stored");
        LastFlowMs = ms;
        if (record)
        {
            (_flow.TryGetValue(spec, out List<double>? list) ? list : _flow[spec] = []).Add(ms);
        }
    }

    public void Report(int rounds, KeySpec[] specs)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var o = new StringBuilder();
        o.AppendLine(CultureInfo.InvariantCulture, $"## Enrollment by step on SoftHSM2 ({DateTime.UtcNow:yyyy-MM-ddTHH:mmZ})");
        o.AppendLine();
        o.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} CPU(s), {cpu}; load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => a + " " + b)}.");
        o.AppendLine(CultureInfo.InvariantCulture, $".NET {Environment.Version}, module {module}. {rounds} rounds; medians in milliseconds; each baseline measured right after its step in the same enrollment.");
        foreach (KeySpec spec in specs)
        {
            o.AppendLine();
            o.AppendLine(CultureInfo.InvariantCulture, $"### {(spec == KeySpec.EcP256 ? "EC P-256" : "RSA-2048")}");
            o.AppendLine();
            o.AppendLine("| Step | Median (ms) | Baseline (same run) | Baseline median (ms) | Ratio step/baseline |");
            o.AppendLine("|---|---:|---|---:|---:|");
            double sum = 0;
            foreach (StepSamples s in _steps.Where(k => k.Key.Item1 == spec).Select(k => k.Value))
            {
                double m = Median(s.Values), b = Median(s.BaselineValues);
                sum += m;
                o.AppendLine(CultureInfo.InvariantCulture, $"| {s.Step} | {m:F1} | {s.Baseline} | {b:F1} | {m / b:F2} |");
            }

            double flow = Median(_flow[spec]);
            List<double> totals = _steps.Where(k => k.Key.Item1 == spec).Select(k => k.Value.Values).Aggregate((a, b) => a.Zip(b, (x, y) => x + y).ToList());
            o.AppendLine(CultureInfo.InvariantCulture, $"| **sum of the step medians** | **{sum:F0}** | target: 1 s | 1000 | **{sum / 1000:F2}** |");
            o.AppendLine(CultureInfo.InvariantCulture, $"| **split enrollment total** (median of the per-round sums) | **{Median(totals):F0}** | target: 1 s | 1000 | **{Median(totals) / 1000:F2}** |");
            o.AppendLine(CultureInfo.InvariantCulture, $"| **whole flow** (`CertificateStorageFlow`, as `kagi enroll` runs it) | **{flow:F0}** | target: 1 s | 1000 | **{flow / 1000:F2}** |");
            o.AppendLine();
            o.AppendLine(CultureInfo.InvariantCulture, $"Per-round totals (ms), split: [{string.Join(", ", totals.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}]; flow: [{string.Join(", ", _flow[spec].Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}].");
            o.AppendLine(CultureInfo.InvariantCulture, $"Verdict against the 1 s target: whole-flow median {flow:F0} ms, {(flow < 1000 ? "met" : "NOT met")}; {_flow[spec].Count(v => v < 1000)} of {_flow[spec].Count} flow runs under 1 s.");
        }

        Console.Write(o.ToString());
    }

    private async Task<(AttachedToken Token, string StoragePin)> PrepareAsync()
    {
        Slot slot = slots.Count > 0 ? slots.Dequeue() : throw new InvalidOperationException("out of bench tokens; raise their number in bench/run-enroll.sh");
        int n = ++_enrollments;
        string employee = $"BENCH{Environment.ProcessId}-{n}";
        string name = "Bench User " + new string(n.ToString(CultureInfo.InvariantCulture).Select(d => (char)('A' + (d - '0'))).ToArray());
        await admin.CreateUserAsync(new UserDto(employee, name, null, $"{employee.ToLowerInvariant()}@bench.example", null));
        string serial;
        using (PinBuffer so = PinBuffer.FromChars(soPin))
        using (DistributionResult distributed = TokenDistributor.Distribute(slot, "Kagi", so))
        {
            serial = distributed.Serial;
            await admin.RegisterDistributionAsync(serial, new DistributionRequest(distributed.Manufacturer, distributed.Model,
                Convert.ToBase64String(distributed.DistributionPublicKey), Encoding.UTF8.GetString(distributed.SoPin.Bytes), Encoding.UTF8.GetString(distributed.TransportPin.Bytes)));
        }

        await admin.AssignAsync(serial, employee);
        var before = Directory.Exists(mailDirectory) ? Directory.GetFiles(mailDirectory, "*.eml").ToHashSet(StringComparer.Ordinal) : [];
        await admin.IssueStoragePinAsync(serial);
        string mail = Directory.GetFiles(mailDirectory, "*.eml").Single(f => !before.Contains(f));
        return (new AttachedToken(slot, TokenInfo.From(module, slot.Id, slot.GetTokenInfo())), StoragePinFromMail(mail));
    }

    private static string StoragePinFromMail(string path)
    {
        // Quoted-printable body: undo soft line breaks, then read the PIN line (mails are in English: Kagi:Mail:Language=en).
        string text = File.ReadAllText(path).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("=\n", string.Empty, StringComparison.Ordinal);
        Match m = PinLine().Match(text);
        return m.Success ? m.Groups[1].Value : throw new InvalidOperationException($"no storage PIN in {path}");
    }

    [GeneratedRegex("Storage PIN: ([A-Za-z0-9]+)")]
    private static partial Regex PinLine();

    private async Task<double> RoundTripsAsync(int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            using HttpResponseMessage r = await http.GetAsync("health");
            r.EnsureSuccessStatusCode();
            _ = await r.Content.ReadAsByteArrayAsync();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double RawKeyGeneration(Session session, KeySpec spec)
    {
        var pub = new List<ObjectAttribute> { ObjectAttribute.Bool(CKA.CKA_TOKEN, true), ObjectAttribute.Bool(CKA.CKA_VERIFY, true) };
        var priv = new List<ObjectAttribute> { ObjectAttribute.Bool(CKA.CKA_TOKEN, true), ObjectAttribute.Bool(CKA.CKA_SIGN, true), ObjectAttribute.Bool(CKA.CKA_PRIVATE, true), ObjectAttribute.Bool(CKA.CKA_SENSITIVE, true) };
        Mechanism mechanism;
        if (spec == KeySpec.EcP256)
        {
            mechanism = Mechanism.EcKeyPairGen;
            pub.Add(ObjectAttribute.Bytes(CKA.CKA_EC_PARAMS, [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]));
        }
        else
        {
            mechanism = Mechanism.RsaKeyPairGen;
            pub.Add(ObjectAttribute.ULong(CKA.CKA_MODULUS_BITS, 2048));
            pub.Add(ObjectAttribute.Bytes(CKA.CKA_PUBLIC_EXPONENT, [0x01, 0x00, 0x01]));
        }

        long start = Stopwatch.GetTimestamp();
        (ulong p, ulong k) = session.GenerateKeyPair(mechanism, pub, priv);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        session.DestroyObject(k);
        session.DestroyObject(p);
        return ms;
    }

    private static double RawSign(Session session, TokenKeyPair key)
    {
        byte[] hash = SHA256.HashData("kagi-bench"u8);
        byte[] data = key.IsEc ? hash : [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20, .. hash];
        long start = Stopwatch.GetTimestamp();
        _ = session.Sign(key.IsEc ? Mechanism.Ecdsa : Mechanism.RsaPkcs, key.PrivateKey, data);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double RawWrite(Session session, X509Certificate2[] certificates)
    {
        var handles = new List<ulong>();
        long start = Stopwatch.GetTimestamp();
        foreach (X509Certificate2 c in certificates)
        {
            handles.Add(session.CreateObject(
                ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
                ObjectAttribute.ULong(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
                ObjectAttribute.Bool(CKA.CKA_TOKEN, true),
                ObjectAttribute.Bytes(CKA.CKA_SUBJECT, c.SubjectName.RawData),
                ObjectAttribute.Bytes(CKA.CKA_VALUE, c.RawData)));
        }

        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        handles.ForEach(session.DestroyObject);
        return ms;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        long start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
