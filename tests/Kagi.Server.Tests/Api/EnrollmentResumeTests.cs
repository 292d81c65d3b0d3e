using System.Security.Cryptography.X509Certificates;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// Resuming after the storage PIN was spent, on SQLite and PostgreSQL: within the resume window (30 minutes after
/// the verification) a fresh token authentication gets the PIN-verified state and the transport PIN back for the same
/// order; after it only a reissued PIN helps; and a reissue kills every ticket verified with the old PIN at once.
/// </summary>
[Collection(ServerCollection.Name)]
public class EnrollmentResumeTests(TokenPool pool)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_spent_storage_pin_resumes_within_the_window_and_a_reissue_revokes_verified_tickets(string provider)
    {
        using ServerDatabase database = ServerDatabase.Create(provider);
        var clock = new AdjustableClock();
        using var server = new KagiServerFactory(database) { Time = clock };
        var admin = new KagiApiClient(server.CreateClient()) { ApiKey = server.OperatorApiKey };
        EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(server, pool, "U" + provider);
        string firstPin = EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);

        // Nothing to resume before the PIN is verified: the client must go through STEP 3.
        var early = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(early);
        Assert.Equal("storage-pin-not-verified", (await Assert.ThrowsAsync<ApiProblemException>(() => early.ResumeEnrollmentAsync())).Code);

        // The first run verifies (and so spends) the PIN, then dies.
        var first = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAndVerifyAsync(first, server.MailDirectory);

        // Resuming needs a token authentication: no ticket, no resume.
        var anonymous = new KagiApiClient(server.CreateClient());
        Assert.Equal("ticket-invalid", (await Assert.ThrowsAsync<ApiProblemException>(() => anonymous.ResumeEnrollmentAsync())).Code);

        // The rerun authenticates the token again and resumes without the PIN, which stays spent.
        var second = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(second);
        StoragePinResponse resumed = await second.ResumeEnrollmentAsync();
        Assert.Equal(scenario.TransportPin, resumed.TransportPin);
        var verifyAgain = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(verifyAgain);
        Assert.Equal("storage-pin-used", (await Assert.ThrowsAsync<ApiProblemException>(() => verifyAgain.VerifyStoragePinAsync(firstPin))).Code);

        byte[] csr = scenario.NewCsr();
        IssuedCertificateResponse issued = await second.RequestCertificateAsync(csr);
        AssertCertifies(issued, csr);

        // The operator reissues the storage PIN: every ticket verified with the old one stops working at once.
        await admin.IssueStoragePinAsync(scenario.Serial);
        Assert.Equal("storage-pin-not-verified", (await Assert.ThrowsAsync<ApiProblemException>(() => second.RequestCertificateAsync(csr))).Code);
        Assert.Equal("storage-pin-not-verified", (await Assert.ThrowsAsync<ApiProblemException>(() => first.ReportStoredAsync(issued.SerialNumber))).Code);
        var third = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(third);
        Assert.Equal("storage-pin-not-verified", (await Assert.ThrowsAsync<ApiProblemException>(() => third.ResumeEnrollmentAsync())).Code);

        // The new PIN continues the same order: the same key gets the same certificate.
        string secondPin = EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);
        Assert.NotEqual(firstPin, secondPin);
        await third.VerifyStoragePinAsync(secondPin);
        IssuedCertificateResponse again = await third.RequestCertificateAsync(csr);
        Assert.Equal(issued.SerialNumber, again.SerialNumber);

        // 31 minutes after that verification the window is over: a fresh authentication cannot resume, the user is
        // told to ask for a new storage PIN; the old ticket has expired as well.
        clock.Offset = TimeSpan.FromMinutes(31);
        var late = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(late);
        Assert.Equal("storage-pin-used", (await Assert.ThrowsAsync<ApiProblemException>(() => late.ResumeEnrollmentAsync())).Code);
        Assert.Equal("ticket-invalid", (await Assert.ThrowsAsync<ApiProblemException>(() => third.ReportStoredAsync(issued.SerialNumber))).Code);

        // A reissued PIN after the window completes the order.
        await admin.IssueStoragePinAsync(scenario.Serial);
        await late.VerifyStoragePinAsync(EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory));
        Assert.Equal(issued.SerialNumber, (await late.RequestCertificateAsync(csr)).SerialNumber);
        Assert.Equal("active", (await late.ReportStoredAsync(issued.SerialNumber)).State);
    }

    private static void AssertCertifies(IssuedCertificateResponse issued, byte[] csr)
    {
        CertificateRequest request = CertificateRequest.LoadSigningRequest(csr, System.Security.Cryptography.HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate));
        Assert.Equal(Convert.ToHexString(request.PublicKey.ExportSubjectPublicKeyInfo()), Convert.ToHexString(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        using X509Certificate2 issuer = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[0]));
        Assert.Equal(issuer.SubjectName.RawData, certificate.IssuerName.RawData);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[^1])));
        chain.ChainPolicy.ExtraStore.Add(issuer);
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
