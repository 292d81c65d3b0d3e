using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// Certificate requests from a real SoftHSM2 token after a verified storage PIN: broken, forged and refused-key CSRs
/// get their own codes and issue nothing; a public key is certified once, never again for another order.
/// </summary>
[Collection(ServerCollection.Name)]
public class CsrTests(TokenPool pool)
{
    private const string Path = "/api/v1/enrollment/certificate";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Bad_csrs_are_refused_with_their_code_and_a_key_is_certified_only_once(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        PoolToken token = PoolToken.Lease(pool);
        Enrollee enrollee = await server.PrepareAsync(token, "E8001");
        KagiApiClient client = server.NewClient();
        string ticket = await ApiServer.VerifiedTicketAsync(client, enrollee);
        RowCounts ready = await server.CountsAsync();

        byte[] good = token.NewCsr();
        byte[] badSignature = [.. good];
        badSignature[^1] ^= 0x01; // last byte of the ECDSA signature's s
        byte[] otherSubject = [.. good];
        int cn = IndexOf(otherSubject, "ignored"u8);
        otherSubject[cn] = (byte)'J'; // the signed content changed after signing

        var cases = new (string Because, byte[] Csr, string Code, string? Reason)[]
        {
            ("random bytes", RandomNumberGenerator.GetBytes(300), "csr-malformed", null),
            ("text", "hello, CA"u8.ToArray(), "csr-malformed", null),
            ("truncated", good[..^10], "csr-malformed", null),
            ("trailing data", [.. good, 0x00], "csr-malformed", null),
            ("a certificate instead of a CSR", await server.Http.GetByteArrayAsync("/pki/root.cer"), "csr-malformed", null),
            ("PEM with garbage inside", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"u8.ToArray(), "csr-malformed", null),
            ("signature corrupted", badSignature, "csr-bad-signature", null),
            ("content changed after signing", otherSubject, "csr-bad-signature", null),
            ("RSA 1024", Csrs.Rsa(1024), "csr-key-rejected", "KeyTooSmall"),
            ("RSA 2560", Csrs.Rsa(2560), "csr-key-rejected", "KeySizeNotAllowed"),
            ("EC P-521", Csrs.Ec(ECCurve.NamedCurves.nistP521), "csr-key-rejected", "UnsupportedCurve"),
            ("EC brainpoolP256r1", Csrs.Ec(ECCurve.NamedCurves.brainpoolP256r1), "csr-key-rejected", "UnsupportedCurve"),
        };
        foreach (var (because, csr, code, reason) in cases)
        {
            JsonElement problem = await Problem.AssertAsync(await server.PostJsonAsync(Path, new CertificateSigningRequest(Convert.ToBase64String(csr)), ApiServer.Bearer(ticket)),
                HttpStatusCode.BadRequest, code, because);
            if (reason is not null)
            {
                Assert.Equal(reason, problem.GetProperty("reason").GetString());
            }
        }

        // Nothing was issued or recorded, and the order is still open for a good CSR.
        Assert.Equal(ready, await server.CountsAsync());
        Assert.Equal("open", (await server.Admin.ListAssignmentsAsync()).Single().OrderState);

        IssuedCertificateResponse issued = await client.RequestCertificateAsync(good);
        using (X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate)))
        {
            byte[] requested = CertificateRequest.LoadSigningRequest(good, HashAlgorithmName.SHA256).PublicKey.ExportSubjectPublicKeyInfo();
            Assert.Equal(requested, certificate.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.DoesNotContain("ignored", certificate.Subject, StringComparison.Ordinal);
        }

        // The same CSR again is the same certificate; a new key for the issued order is refused.
        Assert.Equal(issued.Certificate, (await client.RequestCertificateAsync(good)).Certificate);
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new CertificateSigningRequest(Convert.ToBase64String(token.NewCsr())), ApiServer.Bearer(ticket)),
            HttpStatusCode.Conflict, "order-already-issued");

        // Another user's order cannot have the key certified again, whether it sends the same CSR or a new CSR for
        // the same key.
        using var other = new SoftToken();
        Enrollee second = await server.PrepareAsync(other, "E8002");
        KagiApiClient otherClient = server.NewClient();
        string otherTicket = await ApiServer.VerifiedTicketAsync(otherClient, second);
        RowCounts beforeReuse = await server.CountsAsync();
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new CertificateSigningRequest(Convert.ToBase64String(good)), ApiServer.Bearer(otherTicket)),
            HttpStatusCode.Conflict, "public-key-reused");
        Assert.Equal(beforeReuse, await server.CountsAsync());
        Assert.Equal("open", (await server.Admin.ListAssignmentsAsync()).Single(a => a.EmployeeId == "E8002").OrderState);

        using ECDsa software = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        IssuedCertificateResponse otherIssued = await otherClient.RequestCertificateAsync(Csrs.Ec(software));
        Assert.NotEqual(issued.SerialNumber, otherIssued.SerialNumber);
        Assert.Equal(2, (await server.CountsAsync()).Certificates);
        Assert.True((await server.Admin.VerifyAuditAsync()).Ok);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int index = haystack.AsSpan().IndexOf(needle);
        Assert.True(index >= 0);
        return index;
    }
}
