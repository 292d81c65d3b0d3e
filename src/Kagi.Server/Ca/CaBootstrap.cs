using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Tokens.Tokens;
using Kagi.Server.Options;

namespace Kagi.Server.Ca;

/// <summary>
/// Loads the CA from the CA folder, creating a root and an issuing CA on first start. Keys are PKCS#8 files
/// encrypted under a password from configuration (Kagi:Ca:KeyPassword) or, when none is set, one derived from the
/// server secret. Creation holds an exclusive lock file, so several instances started together create one CA.
/// </summary>
public static class CaBootstrap
{
    private const string RootCertificate = "root.pem";
    private const string RootKey = RootKeyFile;
    private const string IssuingCertificate = "issuing.pem";
    private const string IssuingKey = IssuingKeyFile;

    /// <summary>File name of the root CA key in the CA folder (file mode).</summary>
    public const string RootKeyFile = "root.key.pem";

    /// <summary>File name of the first issuing CA key in the CA folder (file mode).</summary>
    public const string IssuingKeyFile = "issuing.key.pem";

    /// <summary>CKA_ID of the root CA key on a token.</summary>
    public static readonly byte[] RootKeyId = "kagi-root-ca"u8.ToArray();

    /// <summary>CKA_ID of the issuing CA key on a token.</summary>
    public static readonly byte[] IssuingKeyId = "kagi-issuing-ca"u8.ToArray();

    /// <summary>
    /// Loads or creates the CA with its keys on a PKCS#11 token: keys are generated on the token on first start and
    /// found again by CKA_ID afterwards; certificates are kept in <paramref name="directory"/>. The returned
    /// <see cref="TokenCaSession"/> keeps the logged-in session open for the server's lifetime.
    /// </summary>
    /// <exception cref="Kagi.Tokens.KagiException">The module or token cannot be used.</exception>
    /// <exception cref="InvalidOperationException">The token PIN is wrong or missing.</exception>
    public static (X509Certificate2 Root, CertificateAuthority Issuing, TokenCaSession Session) LoadOrCreateOnToken(string directory, CaOptions options, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        using FileStream lockFile = AcquireLock(Path.Combine(directory, ".lock"));
        TokenCaSession session = TokenCaSession.Open(options);
        try
        {
            CaKeyType type = Enum.Parse<CaKeyType>(options.KeyType, ignoreCase: true);
            string rootPath = Path.Combine(directory, RootCertificate);
            string issuingPath = Path.Combine(directory, IssuingCertificate);
            if (!File.Exists(issuingPath))
            {
                DateTimeOffset now = time.GetUtcNow();
                using CertificateAuthority root = CertificateAuthority.CreateRoot(
                    TokenCaKey.Generate(session.Session.Session, type, "Kagi root CA", RootKeyId),
                    new AuthorityProfile(new X500DistinguishedName(options.RootName), TimeSpan.FromDays(365.25 * options.RootValidityYears), 1), now);
                using CertificateAuthority created = CertificateAuthority.CreateIssuing(
                    root, TokenCaKey.Generate(session.Session.Session, type, "Kagi issuing CA", IssuingKeyId),
                    new AuthorityProfile(new X500DistinguishedName(options.IssuingName), TimeSpan.FromDays(365.25 * options.IssuingValidityYears), 0), now);
                File.WriteAllText(rootPath, root.ExportCertificatePem());
                File.WriteAllText(issuingPath + ".tmp", created.ExportCertificatePem());
                File.Move(issuingPath + ".tmp", issuingPath, overwrite: true);
            }

            X509Certificate2 rootCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(rootPath));
            CertificateAuthority issuing = CertificateAuthority.FromCertificate(
                X509Certificate2.CreateFromPem(File.ReadAllText(issuingPath)), TokenCaKey.Open(session.Session.Session, IssuingKeyId));
            return (rootCertificate, issuing, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Loads or creates the CA in <paramref name="directory"/>.</summary>
    /// <returns>The root certificate and the active issuing CA.</returns>
    /// <exception cref="Kagi.Ca.CaException">The files exist but cannot be used (e.g. wrong password).</exception>
    public static (X509Certificate2 Root, CertificateAuthority Issuing) LoadOrCreate(string directory, CaOptions options, ReadOnlySpan<char> password, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        using FileStream lockFile = AcquireLock(Path.Combine(directory, ".lock"));
        if (!File.Exists(Path.Combine(directory, IssuingCertificate)))
        {
            Create(directory, options, password, time.GetUtcNow());
        }

        X509Certificate2 root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, RootCertificate)));
        CertificateAuthority issuing = CertificateAuthority.FromPem(
            File.ReadAllText(Path.Combine(directory, IssuingCertificate)), File.ReadAllText(Path.Combine(directory, IssuingKey)), password);
        return (root, issuing);
    }

    private static void Create(string directory, CaOptions options, ReadOnlySpan<char> password, DateTimeOffset now)
    {
        CaKeyType type = Enum.Parse<CaKeyType>(options.KeyType, ignoreCase: true);
        using CertificateAuthority root = CertificateAuthority.CreateRoot(
            SoftwareCaKey.Create(type), new AuthorityProfile(new X500DistinguishedName(options.RootName), TimeSpan.FromDays(365.25 * options.RootValidityYears), 1), now);
        using CertificateAuthority issuing = CertificateAuthority.CreateIssuing(
            root, SoftwareCaKey.Create(type), new AuthorityProfile(new X500DistinguishedName(options.IssuingName), TimeSpan.FromDays(365.25 * options.IssuingValidityYears), 0), now);

        // Write keys first and certificates last: the issuing certificate's presence marks a complete CA.
        WriteSecret(Path.Combine(directory, RootKey), root.ExportKeyPem(password));
        WriteSecret(Path.Combine(directory, IssuingKey), issuing.ExportKeyPem(password));
        File.WriteAllText(Path.Combine(directory, RootCertificate), root.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, IssuingCertificate + ".tmp"), issuing.ExportCertificatePem());
        File.Move(Path.Combine(directory, IssuingCertificate + ".tmp"), Path.Combine(directory, IssuingCertificate), overwrite: true);
    }

    /// <summary>The CA key password derived from the server secret, for installations that configure none.</summary>
    public static string DerivePassword(byte[] serverSecret) =>
        Convert.ToBase64String(HKDF.DeriveKey(HashAlgorithmName.SHA256, serverSecret, 32, info: "kagi ca key password v1"u8.ToArray()));

    /// <summary>Writes a file readable and writable by the owner only (on Unix), replacing any earlier one.</summary>
    internal static void WriteSecret(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    private static FileStream AcquireLock(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(50);
            }
        }
    }
}
