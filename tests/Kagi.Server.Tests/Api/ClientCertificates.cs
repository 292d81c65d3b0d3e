using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Ca;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Api;

/// <summary>Client certificates (software keys) for the client-authentication listener tests.</summary>
internal static class ClientCertificates
{
    /// <summary>Issues through <paramref name="ca"/> from a CSR and records it in the registry, as the issuance pipeline does.</summary>
    public static async Task<X509Certificate2> IssueAndRecordAsync(CaService ca, IServiceProvider services, string name, string id)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ValidatedCsr csr = CsrValidator.Validate(new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequest(), KeyPolicy.Default).Csr!;
        IssuedByCa byCa = ca.Issue(csr, new SubjectData(name, id), DateTimeOffset.UtcNow);
        using X509Certificate2 issued = byCa.Certificate;
        using (IServiceScope scope = services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            db.IssuedCertificates.Add(new IssuedCertificate
            {
                Serial = issued.SerialNumber,
                IssuerCaId = byCa.IssuerId,
                SubjectPublicKeySha256 = SHA256.HashData(issued.PublicKey.ExportSubjectPublicKeyInfo()),
                Der = issued.RawData,
                NotBefore = issued.NotBefore.ToUniversalTime(),
                NotAfter = issued.NotAfter.ToUniversalTime(),
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(ChainsTo(issued, byCa.Chain), "the certificate must chain to the CA that issued it");
        return WithKey(issued, key);
    }

    /// <summary>The certificate with its private key, as a TLS client needs it.</summary>
    public static X509Certificate2 WithKey(X509Certificate2 certificate, ECDsa key)
    {
        using X509Certificate2 withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    /// <summary>A client of <paramref name="baseUrl"/> that presents <paramref name="certificate"/> on a new connection per request.</summary>
    public static HttpClient Client(string baseUrl, X509Certificate2? certificate, RemoteCertificateValidationCallback serverCheck) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = serverCheck,
            LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            ClientCertificates = certificate is null ? null : [certificate],
        },
    }) { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };

    private static bool ChainsTo(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainOfIssuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(chainOfIssuer[^1]);
        chain.ChainPolicy.ExtraStore.AddRange(chainOfIssuer.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(chainOfIssuer[0].RawData);
    }
}
