using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Protocol;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// <c>POST /api/v1/enrollment/certificate/restore</c>, on SQLite and PostgreSQL: the certificate already stored for an
/// order is handed out again (never a new one) to a client that authenticated the token, only when it is stored, not
/// revoked, and certifies the public key the client sends. Every refusal writes nothing but, for a key or a revoked
/// certificate, its audit entry; the restore itself is audited.
/// </summary>
public class CertificateRestoreTests
{
    private const string Path = "/api/v1/enrollment/certificate/restore";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Only_the_stored_unrevoked_certificate_of_the_token_key_is_handed_out_again(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "R7001");
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] publicKey = key.ExportSubjectPublicKeyInfo();

        // Without a token authentication: 401, whatever is sent.
        await Problem.AssertAsync(await server.PostJsonAsync(Path, Body(publicKey)), HttpStatusCode.Unauthorized, "ticket-invalid", "no ticket");
        await Problem.AssertAsync(await server.PostJsonAsync(Path, Body(publicKey), ApiServer.Bearer("forged.ticket")), HttpStatusCode.Unauthorized, "ticket-invalid", "forged ticket");

        // Nothing issued yet: nothing to restore (and nothing is issued by asking).
        KagiApiClient early = server.NewClient();
        await ApiServer.AuthenticateAsync(early, token);
        RowCounts before = await server.CountsAsync();
        Assert.Equal("no-certificate-to-restore", (await Assert.ThrowsAsync<ApiProblemException>(() => early.RestoreCertificateAsync(publicKey))).Code);
        Assert.Equal(before, await server.CountsAsync());

        // Issued but not yet reported stored: still nothing to restore (the normal rerun continues the order).
        KagiApiClient first = server.NewClient();
        await ApiServer.VerifiedTicketAsync(first, enrollee);
        IssuedCertificateResponse issued = await first.RequestCertificateAsync(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest());
        Assert.Equal("no-certificate-to-restore", (await Assert.ThrowsAsync<ApiProblemException>(() => first.RestoreCertificateAsync(publicKey))).Code);
        Assert.Equal("active", (await first.ReportStoredAsync(issued.SerialNumber)).State);

        // A rerun: user confirmation says "already stored" and names the order's certificate ID (the key's CKA_ID source).
        KagiApiClient rerun = server.NewClient();
        string ticket = await ApiServer.AuthenticateAsync(rerun, token);
        ApiProblemException stored = await Assert.ThrowsAsync<ApiProblemException>(() => rerun.GetAssignedUserAsync());
        Assert.Equal("certificate-already-stored", stored.Code);
        Assert.Equal(enrollee.Assignment!.CertificateId, stored.Extensions["certificateId"]);

        // Bad input and another key are refused; nothing but the refusal's audit entry is written.
        RowCounts ready = await server.CountsAsync();
        foreach (var (because, json) in new[]
        {
            ("missing", "{}"),
            ("not base64", """{"publicKey":"***"}"""),
            ("not a SubjectPublicKeyInfo", """{"publicKey":"AAECAwQF"}"""),
            ("trailing bytes", $$"""{"publicKey":"{{Convert.ToBase64String([.. publicKey, 0])}}"}"""),
        })
        {
            await Problem.AssertAsync(await server.PostJsonAsync(Path, json, ApiServer.Bearer(ticket)), HttpStatusCode.BadRequest, "validation-failed", because);
        }

        Assert.Equal(ready, await server.CountsAsync());
        await Problem.AssertAsync(await server.PostJsonAsync(Path, Body(other.ExportSubjectPublicKeyInfo()), ApiServer.Bearer(ticket)),
            HttpStatusCode.Conflict, "public-key-mismatch", "another key");
        Assert.Equal(ready with { AuditEntries = ready.AuditEntries + 1 }, await server.CountsAsync());
        Assert.Equal(1, await AuditCountAsync(server, "certificate.restore-refused"));

        // The token's key: the same certificate and chain as issued, nothing new issued, the restore audited.
        IssuedCertificateResponse restored = await rerun.RestoreCertificateAsync(publicKey);
        Assert.Equal(issued.SerialNumber, restored.SerialNumber);
        Assert.Equal(issued.Certificate, restored.Certificate);
        Assert.Equal(issued.Chain, restored.Chain);
        using (X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(restored.Certificate)))
        {
            Assert.Equal(Convert.ToHexString(publicKey), Convert.ToHexString(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        }

        Assert.Equal(ready with { AuditEntries = ready.AuditEntries + 2 }, await server.CountsAsync());
        Assert.Equal(1, await AuditCountAsync(server, "certificate.restored"));
        Assert.Equal(OrderState.Stored, await server.QueryAsync(db => db.EnrollmentOrders.Select(o => o.State).SingleAsync()));

        // Revoked: refused, audited.
        await server.Admin.RevokeAsync(issued.SerialNumber, "keyCompromise");
        RowCounts revoked = await server.CountsAsync();
        await Problem.AssertAsync(await server.PostJsonAsync(Path, Body(publicKey), ApiServer.Bearer(ticket)), HttpStatusCode.Conflict, "certificate-revoked", "revoked");
        Assert.Equal(revoked with { AuditEntries = revoked.AuditEntries + 1 }, await server.CountsAsync());
        Assert.Equal(2, await AuditCountAsync(server, "certificate.restore-refused"));
    }

    private static CertificateRestoreRequest Body(byte[] publicKey) => new(Convert.ToBase64String(publicKey));

    private static Task<int> AuditCountAsync(ApiServer server, string action) =>
        server.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == action));
}
