using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Ca.Revocation;
using Kagi.Server.Options;

namespace Kagi.Server.Ca;

/// <summary>The server's CA: the root, the active issuing CA, the end-user profile and key policy.</summary>
public sealed class CaService : IDisposable
{
    /// <summary>Creates the service over a loaded CA.</summary>
    public CaService(X509Certificate2 root, CertificateAuthority issuing, KagiServerOptions options)
    {
        Root = root;
        Issuing = issuing;
        string origin = options.PublicOrigin.TrimEnd('/');
        Profile = new EndEntityProfile
        {
            Organization = options.Profile.Organization,
            OrganizationalUnit = options.Profile.OrganizationalUnit,
            Country = options.Profile.Country,
            CertificateIdPrefix = options.Profile.CertificateIdPrefix,
            Validity = TimeSpan.FromDays(options.Profile.ValidityDays),
            CrlDistributionPointUrl = new Uri($"{origin}/pki/{IssuerId}.crl"),
            AiaCaIssuersUrl = new Uri($"{origin}/pki/{IssuerId}.cer"),
        };
        Profile.Validate();
    }

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The active issuing CA.</summary>
    public CertificateAuthority Issuing { get; }

    /// <summary>A stable identifier of the issuing CA: its key identifier in hex.</summary>
    public string IssuerId => Convert.ToHexString(Issuing.KeyIdentifier.Span);

    /// <summary>The end-user certificate profile.</summary>
    public EndEntityProfile Profile { get; }

    /// <summary>Keys accepted in CSRs.</summary>
    public KeyPolicy KeyPolicy { get; } = KeyPolicy.Default;

    /// <summary>The chain sent with issued certificates: issuing CA, then root.</summary>
    public IReadOnlyList<X509Certificate2> Chain => [Issuing.Certificate, Root];

    /// <summary>Issues a certificate for a validated CSR with the subject built from registration data.</summary>
    public X509Certificate2 Issue(ValidatedCsr csr, SubjectData subject, DateTimeOffset now) =>
        CertificateIssuer.Issue(Issuing, csr, subject, Profile, now, SerialNumbers.New());

    /// <summary>Builds the issuing CA's CRL.</summary>
    public Crl BuildCrl(IEnumerable<RevokedCertificate> revoked, BigInteger number, DateTimeOffset now) =>
        CrlBuilder.Build(Issuing, revoked, number, now, now.AddDays(1));

    /// <summary>Releases the CA key.</summary>
    public void Dispose()
    {
        Issuing.Dispose();
        Root.Dispose();
    }
}
