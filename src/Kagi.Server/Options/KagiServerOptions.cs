namespace Kagi.Server.Options;

/// <summary>Server configuration, bound from the "Kagi" section (appsettings.json, environment KAGI__…, command line).</summary>
public sealed class KagiServerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Kagi";

    /// <summary>Folder for the SQLite database, the development CA and the development mail folder.</summary>
    public string DataDirectory { get; set; } = "kagi-data";

    /// <summary>"sqlite" (default, embedded) or "postgres".</summary>
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>Connection string; for SQLite defaults to a file in <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes used to encrypt stored secrets (CA key passwords, SO and transport PINs) and to
    /// sign enrollment tickets. Every server instance on one database needs the same value. When empty, a key is
    /// generated in <see cref="DataDirectory"/> on first start (single-instance development only).
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>The origin clients use to reach this server (e.g. https://ca.example.jp); bound into token authentication signatures.</summary>
    public string PublicOrigin { get; set; } = "https://localhost:8443";

    /// <summary>Certification authority settings.</summary>
    public CaOptions Ca { get; set; } = new();

    /// <summary>End-entity certificate profile.</summary>
    public ProfileOptions Profile { get; set; } = new();

    /// <summary>Storage PIN rules.</summary>
    public StoragePinOptions StoragePin { get; set; } = new();

    /// <summary>Outgoing mail.</summary>
    public MailOptions Mail { get; set; } = new();

    /// <summary>The TLS client-authentication listener (off by default).</summary>
    public ClientAuthOptions ClientAuth { get; set; } = new();

    /// <summary>Allow plain-HTTP listeners, and only on loopback addresses (for local tests and development).</summary>
    public bool AllowHttpOnLoopback { get; set; }

    /// <summary>PKCS#12 file with the TLS certificate; when empty, one is issued by the server's own CA at start.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>Password of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>Requests per minute and client address on the unauthenticated enrollment endpoints.</summary>
    public int EnrollmentRequestsPerMinute { get; set; } = 120;

    /// <summary>Contact shown to users when something must be resolved by the CA operator.</summary>
    public string OperatorContact { get; set; } = "ca-operator@example.jp";
}

/// <summary>How the CA keys are made and kept.</summary>
public sealed class CaOptions
{
    /// <summary>Key type for new CAs: EcP256, EcP384, Rsa3072, Rsa4096.</summary>
    public string KeyType { get; set; } = "EcP256";

    /// <summary>Subject of the root CA created on first start.</summary>
    public string RootName { get; set; } = "CN=Kagi Development Root CA, O=Kagi, C=JP";

    /// <summary>Subject of the issuing CA created on first start.</summary>
    public string IssuingName { get; set; } = "CN=Kagi Development Issuing CA, O=Kagi, C=JP";

    /// <summary>
    /// PKCS#11 module holding the CA keys (an HSM or a token). When set, the root and issuing CA keys are generated
    /// on (or reopened from) the token <see cref="TokenSerial"/> and never exist as files.
    /// </summary>
    public string? Pkcs11Module { get; set; }

    /// <summary>Serial of the token holding the CA keys (required with <see cref="Pkcs11Module"/> when several are present).</summary>
    public string? TokenSerial { get; set; }

    /// <summary>User PIN of that token (give it through the environment: KAGI__CA__TOKENPIN).</summary>
    public string? TokenPin { get; set; }

    /// <summary>Password of the CA key files; when empty, derived from the server secret.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>Root validity in years.</summary>
    public int RootValidityYears { get; set; } = 20;

    /// <summary>Issuing CA validity in years.</summary>
    public int IssuingValidityYears { get; set; } = 10;

    /// <summary>
    /// How often (seconds) an instance re-reads the set of issuing CAs from the database even when it has nothing to
    /// issue or publish, so a rollover made by another instance reaches this one's client-authentication listener.
    /// </summary>
    public int RefreshSeconds { get; set; } = 60;
}

/// <summary>The end-user certificate profile.</summary>
public sealed class ProfileOptions
{
    /// <summary>Subject O.</summary>
    public string Organization { get; set; } = "Kagi Development";

    /// <summary>Subject OU, if any.</summary>
    public string? OrganizationalUnit { get; set; }

    /// <summary>Subject C.</summary>
    public string Country { get; set; } = "JP";

    /// <summary>Prefix of certificate IDs placed in the subject serialNumber.</summary>
    public string CertificateIdPrefix { get; set; } = "FC";

    /// <summary>Validity of user certificates in days.</summary>
    public int ValidityDays { get; set; } = 365;
}

/// <summary>Storage PIN rules.</summary>
public sealed class StoragePinOptions
{
    /// <summary>Days a storage PIN stays valid.</summary>
    public int ValidityDays { get; set; } = 14;

    /// <summary>Failed attempts before the PIN locks.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>PBKDF2-SHA256 iterations.</summary>
    public int Iterations { get; set; } = 210_000;
}

/// <summary>Outgoing mail: an SMTP server, or (development default) .eml files in a folder.</summary>
public sealed class MailOptions
{
    /// <summary>SMTP host; when empty, mails are written to <see cref="PickupDirectory"/>.</summary>
    public string? SmtpHost { get; set; }

    /// <summary>SMTP port.</summary>
    public int SmtpPort { get; set; } = 25;

    /// <summary>Use STARTTLS.</summary>
    public bool SmtpStartTls { get; set; }

    /// <summary>From address.</summary>
    public string From { get; set; } = "kagi@localhost";

    /// <summary>Folder for .eml files when no SMTP host is set; defaults to DataDirectory/mail.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>Language of mails: ja (default) or en.</summary>
    public string Language { get; set; } = "ja";
}
