using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Server.Tests.Cli;

/// <summary>One object pkcs11-tool lists: "Private Key Object", "Public Key Object" or "Certificate Object", with its CKA_ID (hex).</summary>
internal sealed record TokenObject(string Kind, string Id, string Label);

/// <summary>
/// What is on a token, read from outside with OpenSC's pkcs11-tool (a client independent of Kagi's own PKCS#11 code),
/// after a login with the user PIN: so reading it at all proves that PIN opens the token.
/// </summary>
internal sealed class TokenContents
{
    private readonly string _module;
    private readonly string _tokenLabel;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _userPin;

    private TokenContents(string module, string tokenLabel, IReadOnlyDictionary<string, string> environment, string userPin, IReadOnlyList<TokenObject> objects)
    {
        _module = module;
        _tokenLabel = tokenLabel;
        _environment = environment;
        _userPin = userPin;
        Objects = objects;
    }

    public IReadOnlyList<TokenObject> Objects { get; }

    public IEnumerable<TokenObject> PrivateKeys => Objects.Where(o => o.Kind == "Private Key Object");

    public IEnumerable<TokenObject> PublicKeys => Objects.Where(o => o.Kind == "Public Key Object");

    public IEnumerable<TokenObject> Certificates => Objects.Where(o => o.Kind == "Certificate Object");

    /// <summary>Logs in with <paramref name="userPin"/> and lists every object.</summary>
    /// <exception cref="InvalidOperationException">pkcs11-tool failed (e.g. the PIN is wrong).</exception>
    public static TokenContents Read(string module, string tokenLabel, IReadOnlyDictionary<string, string> environment, string userPin)
    {
        string listing = Run(module, environment, userPin, "--token-label", tokenLabel, "--login", "--pin", "env:KAGI_TEST_USER_PIN", "--list-objects");
        var objects = new List<TokenObject>();
        string? kind = null;
        string id = string.Empty;
        string label = string.Empty;
        void Flush()
        {
            if (kind is not null)
            {
                objects.Add(new TokenObject(kind, id, label));
            }
        }

        foreach (string line in listing.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line.Contains(" Object", StringComparison.Ordinal))
            {
                Flush();
                kind = line[..(line.IndexOf(" Object", StringComparison.Ordinal) + 7)];
                id = string.Empty;
                label = string.Empty;
            }
            else if (line.TrimStart().StartsWith("ID:", StringComparison.Ordinal))
            {
                id = line.Trim()[3..].Trim();
            }
            else if (line.TrimStart().StartsWith("label:", StringComparison.Ordinal))
            {
                label = line.Trim()[6..].Trim();
            }
        }

        Flush();
        return new TokenContents(module, tokenLabel, environment, userPin, objects);
    }

    /// <summary>The DER value of an object (certificate: the certificate; public key: SubjectPublicKeyInfo).</summary>
    public byte[] ReadObject(string type, TokenObject o)
    {
        string[] select = o.Id.Length > 0 ? ["--id", o.Id] : ["--label", o.Label];
        string file = Path.GetTempFileName();
        try
        {
            Run(_module, _environment, _userPin, ["--token-label", _tokenLabel, "--login", "--pin", "env:KAGI_TEST_USER_PIN",
                "--read-object", "--type", type, .. select, "--output-file", file]);
            return File.ReadAllBytes(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Deletes the certificate with CKA_ID <paramref name="idHex"/> (<c>pkcs11-tool --delete-object --type cert --id</c>,
    /// logged in with the user PIN, which goes through the environment, never the command line): how the tests make a
    /// token lose its certificate as SoftHSM2 does on a full disk, without a full disk.
    /// </summary>
    public void DeleteCertificate(string idHex) =>
        Run(_module, _environment, _userPin, "--token-label", _tokenLabel, "--login", "--pin", "env:KAGI_TEST_USER_PIN", "--delete-object", "--type", "cert", "--id", idHex);

    /// <summary>
    /// Asserts the token holds exactly one user key pair, under the user certificate's CKA_ID, besides the
    /// distribution key pair; the certificate certifies that very public key and chains to <paramref name="rootPemPath"/>
    /// through the CA certificates on the token, at <paramref name="at"/> (default: now; a test whose server clock runs
    /// ahead passes that clock's time). Returns the user certificate.
    /// </summary>
    public X509Certificate2 AssertOneKeyPairCertifiedAndChained(string rootPemPath, DateTimeOffset? at = null)
    {
        // One distribution key pair and one user key pair: no orphan from an interrupted run.
        Assert.Equal(2, PrivateKeys.Count());
        Assert.Equal(2, PublicKeys.Count());
        var certificates = Certificates.Select(c => (c.Id, Der: ReadObject("cert", c))).ToList();
        var loaded = certificates.Select(c => (c.Id, Cert: X509CertificateLoader.LoadCertificate(c.Der))).ToList();
        var users = loaded.Where(c => !IsCa(c.Cert)).ToList();
        var (userId, user) = Assert.Single(users);
        Assert.Equal(certificates.Count, certificates.Select(c => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(c.Der))).Distinct().Count());
        Assert.Single(PrivateKeys, k => k.Id == userId);
        TokenObject publicKey = Assert.Single(PublicKeys, k => k.Id == userId);

        // The certificate certifies the key pair on the token.
        byte[] tokenPublicKey = ReadObject("pubkey", publicKey);
        Assert.Equal(Convert.ToHexString(tokenPublicKey), Convert.ToHexString(user.PublicKey.ExportSubjectPublicKeyInfo()));

        // The chain: user → issuing CA (on the token) → the server's root.
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(rootPemPath);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (at is not null)
        {
            chain.ChainPolicy.VerificationTime = at.Value.LocalDateTime;
        }

        foreach (var (_, ca) in loaded.Where(c => IsCa(c.Cert)))
        {
            chain.ChainPolicy.ExtraStore.Add(ca);
        }

        Assert.True(chain.Build(user), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        return user;
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static string Run(string module, IReadOnlyDictionary<string, string> environment, string userPin, params string[] args)
    {
        var start = new ProcessStartInfo("pkcs11-tool") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--module");
        start.ArgumentList.Add(module);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["KAGI_TEST_USER_PIN"] = userPin;
        using Process p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"pkcs11-tool {string.Join(' ', args)} failed ({p.ExitCode}): {stdout}{stderr.Result}");
        }

        return stdout + stderr.Result;
    }
}
