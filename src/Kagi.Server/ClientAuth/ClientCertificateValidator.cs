using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Server.ClientAuth;

/// <summary>
/// Validates client certificates as a relying party of this CA would: the path is built only from the given CA
/// certificates (self-signed ones are the trust anchors, the others the issuing CAs), never from the system's
/// roots; the end-entity certificate must carry the clientAuth extended key usage and must not be a CA.
/// Revocation is not checked here (see <see cref="ClientCertificateRegistry"/>).
/// </summary>
public sealed class ClientCertificateValidator
{
    /// <summary>OID of the id-kp-clientAuth extended key usage.</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private readonly Func<IEnumerable<X509Certificate2>> _caCertificates;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator trusting exactly <paramref name="caCertificates"/> (roots and issuing CAs).</summary>
    /// <exception cref="ArgumentException">No self-signed root is among <paramref name="caCertificates"/>.</exception>
    public ClientCertificateValidator(IEnumerable<X509Certificate2> caCertificates, TimeProvider time)
        : this(Snapshot(caCertificates), time)
    {
    }

    /// <summary>
    /// Creates a validator trusting the CA certificates <paramref name="caCertificates"/> returns at each check, so
    /// issuing CAs added by a rollover (and retired ones still in the set) are trusted without a restart.
    /// </summary>
    public ClientCertificateValidator(Func<IEnumerable<X509Certificate2>> caCertificates, TimeProvider time)
    {
        _caCertificates = caCertificates;
        _time = time;
    }

    /// <summary>Checks <paramref name="certificate"/> at the current time.</summary>
    /// <returns><see cref="ClientCertificateCheck.Trusted"/> only when the path and the key usage are right.</returns>
    public ClientCertificateCheck Check(X509Certificate2 certificate)
    {
        X509Certificate2Collection roots = [];
        X509Certificate2Collection issuers = [];
        foreach (X509Certificate2 ca in _caCertificates())
        {
            (IsSelfSigned(ca) ? roots : issuers).Add(ca);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(issuers);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // revocation comes from our own registry
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        try
        {
            if (!chain.Build(certificate))
            {
                return ClientCertificateCheck.Untrusted;
            }
        }
        catch (CryptographicException)
        {
            return ClientCertificateCheck.Untrusted;
        }

        // The built path must end at one of our roots (CustomRootTrust guarantees it; checked again on purpose).
        X509Certificate2 anchor = chain.ChainElements[^1].Certificate;
        if (chain.ChainElements.Count < 2 || !roots.Cast<X509Certificate2>().Any(r => r.RawData.AsSpan().SequenceEqual(anchor.RawData)))
        {
            return ClientCertificateCheck.Untrusted;
        }

        return IsForClientAuthentication(certificate) ? ClientCertificateCheck.Trusted : ClientCertificateCheck.NotForClientAuthentication;
    }

    private static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private static Func<IEnumerable<X509Certificate2>> Snapshot(IEnumerable<X509Certificate2> caCertificates)
    {
        X509Certificate2[] fixedSet = [.. caCertificates];
        if (!fixedSet.Any(IsSelfSigned))
        {
            throw new ArgumentException("At least one self-signed root certificate is needed.", nameof(caCertificates));
        }

        return () => fixedSet;
    }

    private static bool IsForClientAuthentication(X509Certificate2 certificate)
    {
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            return false;
        }

        X509EnhancedKeyUsageExtension? eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        return eku is not null && eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthenticationOid);
    }
}
