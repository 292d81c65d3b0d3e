using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;

namespace Kagi.Ca.Tests.Support;

/// <summary>Roots, issuing CAs, requests and certificates for tests.</summary>
internal static class TestPki
{
    public static readonly EndEntityProfile Profile = new()
    {
        Organization = "Kagi Test",
        OrganizationalUnit = "Users",
        Country = "JP",
        CertificateIdPrefix = "FC",
        CrlDistributionPointUrl = new Uri("http://crl.example.test/issuing.crl"),
        AiaCaIssuersUrl = new Uri("http://ca.example.test/issuing.crt"),
        AiaOcspUrl = new Uri("http://ocsp.example.test/"),
    };

    public static readonly SubjectData Subject = new("YAMADA Taro", "000123");

    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public static CertificateAuthority Root(CaKeyType type, DateTimeOffset now, TimeSpan? validity = null) =>
        Root(SoftwareCaKey.Create(type), now, validity);

    public static CertificateAuthority Root(ICaKey key, DateTimeOffset now, TimeSpan? validity = null) =>
        CertificateAuthority.CreateRoot(
            key,
            new AuthorityProfile(AuthorityProfile.Name("JP", "Kagi Test", "Kagi Test Root CA"), validity ?? TimeSpan.FromDays(3650), 1),
            now);

    public static CertificateAuthority Issuing(
        CertificateAuthority root, CaKeyType type, DateTimeOffset now, string name = "Kagi Test Issuing CA", TimeSpan? validity = null) =>
        Issuing(root, SoftwareCaKey.Create(type), now, name, validity);

    public static CertificateAuthority Issuing(
        CertificateAuthority root, ICaKey key, DateTimeOffset now, string name = "Kagi Test Issuing CA", TimeSpan? validity = null) =>
        CertificateAuthority.CreateIssuing(
            root, key, new AuthorityProfile(AuthorityProfile.Name("JP", "Kagi Test", name), validity ?? TimeSpan.FromDays(1825), 0), now);

    /// <summary>A PKCS#10 request signed with <paramref name="key"/>.</summary>
    public static byte[] CsrBytes(AsymmetricAlgorithm key, string subject = "CN=Requested Subject", HashAlgorithmName? hash = null, bool pss = false)
    {
        HashAlgorithmName h = hash ?? HashAlgorithmName.SHA256;
        CertificateRequest request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, h),
            RSA rsa => new CertificateRequest(subject, rsa, h, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported key", nameof(key)),
        };
        return request.CreateSigningRequest();
    }

    public static ValidatedCsr Csr(AsymmetricAlgorithm key, string subject = "CN=Requested Subject")
    {
        CsrValidationResult result = CsrValidator.Validate(CsrBytes(key, subject), KeyPolicy.Default);
        Assert.True(result.IsValid, result.Error.ToString());
        return result.Csr;
    }

    /// <summary>A user certificate for a fresh P-256 key.</summary>
    public static X509Certificate2 Leaf(CertificateAuthority issuing, DateTimeOffset now, string certificateId = "000123")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return CertificateIssuer.Issue(issuing, Csr(key), Subject with { CertificateId = certificateId }, Profile, now, SerialNumbers.New());
    }
}
