using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
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
    private const string RootKey = "root.key.pem";
    private const string IssuingCertificate = "issuing.pem";
    private const string IssuingKey = "issuing.key.pem";

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

    private static void WriteSecret(string path, string content)
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
