using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The whole story on a real SoftHSM2 token through the real server, on SQLite and PostgreSQL: an operator registers
/// a user, distributes and assigns the token, sends the storage PIN by mail; the enrollment API takes the token
/// from "assigned" to "active" with a certificate that openssl verifies against the chain and the CRL.
/// </summary>
[Collection(ServerCollection.Name)]
public partial class EnrollmentFlowTests(TokenPool pool)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Token_goes_from_assigned_to_active_with_a_certificate_openssl_accepts(string provider)
    {
        using ServerDatabase database = ServerDatabase.Create(provider);
        using var server = new KagiServerFactory(database);
        var admin = new KagiApiClient(server.CreateClient()) { ApiKey = server.OperatorApiKey };
        var client = new KagiApiClient(server.CreateClient());
        Slot slot = pool.Lease();

        // Operator: user, distribution (token erased, random PINs, distribution key), assignment, storage PIN mail.
        await admin.CreateUserAsync(new UserDto("E1001", "Taro Yamada", "山田 太郎", "taro@example.jp", "Kagi Test"));
        string serial;
        using (PinBuffer so = TokenPool.SoPinBuffer())
        using (DistributionResult distributed = TokenDistributor.Distribute(slot, "Kagi", so))
        {
            serial = distributed.Serial;
            TokenDto registered = await admin.RegisterDistributionAsync(serial, new DistributionRequest(
                distributed.Manufacturer, distributed.Model, Convert.ToBase64String(distributed.DistributionPublicKey),
                System.Text.Encoding.UTF8.GetString(distributed.SoPin.Bytes), System.Text.Encoding.UTF8.GetString(distributed.TransportPin.Bytes)));
            Assert.True(registered.Distributed);
        }

        AssignmentDto assignment = await admin.AssignAsync(serial, "E1001");
        Assert.Matches("^FC[0-9A-F]+$", assignment.CertificateId);
        Assert.Equal("assigned", (await admin.ListTokensAsync()).Single(t => t.Serial == serial).State);
        await admin.IssueStoragePinAsync(serial);
        string storagePin = StoragePinFromMail(server.MailDirectory);

        // STEP 1: the token proves itself with its distribution key (no PIN needed).
        AttachedToken token = pool.Attached(slot);
        NonceResponse nonce = await client.GetNonceAsync(serial);
        byte[] signature;
        using (TokenSession session = TokenSession.Open(token))
        {
            signature = DistributionKey.Sign(session, TokenAuthentication.Digest("https://kagi.test", serial, nonce.Nonce))!;
        }

        await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(serial, token.Info.Manufacturer, token.Info.Model, nonce.Nonce, Convert.ToBase64String(signature)));

        // STEP 2: the assigned user.
        AssignedUserResponse user = await client.GetAssignedUserAsync();
        Assert.Equal("Taro Yamada", user.RomanizedName);
        Assert.Equal(assignment.CertificateId, user.CertificateId);

        // STEP 3: the storage PIN (a wrong one first).
        var wrong = await Assert.ThrowsAsync<ApiProblemException>(() => client.VerifyStoragePinAsync("WRONGPIN22"));
        Assert.Equal("storage-pin-wrong", wrong.Code);
        Assert.Equal("4", wrong.Extensions["attemptsLeft"]);
        StoragePinResponse verified = await client.VerifyStoragePinAsync(storagePin);

        // STEP 4/5: key pair on the token (logged in with the transport PIN), CSR signed on the token, certificate.
        byte[] csr;
        byte[] keyId = RandomNumberGenerator.GetBytes(8);
        using (TokenSession session = TokenSession.Open(token, readWrite: true))
        {
            using (PinBuffer transport = PinBuffer.FromChars(verified.TransportPin))
            {
                Assert.Equal(LoginOutcome.Success, session.TryLogin(transport).Outcome);
            }

            TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, KeySpec.EcP256, "Taro Yamada", keyId);
            using ECDsa signer = (ECDsa)key.CreateSigner();
            csr = new CertificateRequest("CN=ignored by the CA", signer, HashAlgorithmName.SHA256).CreateSigningRequest();
        }

        IssuedCertificateResponse issued = await client.RequestCertificateAsync(csr);
        IssuedCertificateResponse again = await client.RequestCertificateAsync(csr);
        Assert.Equal(issued.Certificate, again.Certificate); // idempotent for the same CSR

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate));
        Assert.Contains("CN=Taro Yamada", certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("SERIALNUMBER=" + assignment.CertificateId, certificate.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("ignored", certificate.Subject, StringComparison.Ordinal);

        await client.ReportStoredAsync(issued.SerialNumber);
        Assert.Equal("active", (await admin.ListTokensAsync()).Single(t => t.Serial == serial).State);
        AssignmentDto after = (await admin.ListAssignmentsAsync()).Single(a => a.Serial == serial);
        Assert.Equal("stored", after.OrderState);
        Assert.Equal(issued.SerialNumber, after.CertificateSerial);

        // A second run of the wizard is told the certificate is already stored.
        var stored = await Assert.ThrowsAsync<ApiProblemException>(() => client.GetAssignedUserAsync());
        Assert.Equal("certificate-already-stored", stored.Code);

        // openssl verifies the certificate against the chain, and after revocation the CRL rejects it.
        string dir = Directory.CreateTempSubdirectory("kagi-openssl-").FullName;
        File.WriteAllText(Path.Combine(dir, "root.pem"), await server.CreateClient().GetStringAsync("/pki/root.pem"));
        File.WriteAllText(Path.Combine(dir, "issuing.pem"), X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Chain[0])).ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "user.pem"), certificate.ExportCertificatePem());
        Assert.Contains("OK", OpenSsl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "user.pem"), StringComparison.Ordinal);

        await admin.RevokeAsync(issued.SerialNumber, "keyCompromise");
        string cdp = System.Text.Encoding.ASCII.GetString(certificate.Extensions.Single(e => e.Oid!.Value == "2.5.29.31").RawData);
        string crlPath = new Uri(Regex.Match(cdp, @"https?://[\x21-\x7e]+?\.crl").Value).AbsolutePath;
        File.WriteAllBytes(Path.Combine(dir, "crl.der"), await server.CreateClient().GetByteArrayAsync(crlPath));
        string crlText = OpenSsl(dir, "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");
        Assert.Contains(issued.SerialNumber, crlText.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal);
        Assert.Contains("Key Compromise", crlText, StringComparison.Ordinal);
        OpenSsl(dir, "crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem");
        string revoked = OpenSsl(dir, true, "verify", "-crl_check", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "-CRLfile", "crl.pem", "user.pem");
        Assert.Contains("certificate revoked", revoked, StringComparison.Ordinal);

        AuditVerificationDto audit = await admin.VerifyAuditAsync();
        Assert.True(audit.Ok);
        Assert.True(audit.Entries >= 8);
        Directory.Delete(dir, recursive: true);
    }

    internal static string StoragePinFromMail(string mailDirectory)
    {
        string raw = File.ReadAllText(Directory.GetFiles(mailDirectory, "*.eml").OrderBy(File.GetLastWriteTimeUtc).Last());
        Match match = StoragePinLine().Match(MimeText.Body(raw));
        Assert.True(match.Success, "no storage PIN in the mail");
        return match.Groups[1].Value;
    }

    internal static string OpenSsl(string directory, params string[] args) => OpenSsl(directory, false, args);

    internal static string OpenSsl(string directory, bool allowFailure, params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(allowFailure || p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {output}");
        return output;
    }

    [GeneratedRegex(@"PIN: ([A-Za-z0-9]+)")]
    private static partial Regex StoragePinLine();
}
