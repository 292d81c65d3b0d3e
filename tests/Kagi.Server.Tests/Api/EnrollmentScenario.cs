using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// Drives a leased SoftHSM2 token through the operator steps and the enrollment API up to a verified storage PIN,
/// so tests can start from "ready to request a certificate".
/// </summary>
internal sealed class EnrollmentScenario
{
    private EnrollmentScenario(AttachedToken token, string serial, string transportPin)
    {
        Token = token;
        Serial = serial;
        TransportPin = transportPin;
    }

    public AttachedToken Token { get; }

    public string Serial { get; }

    public string TransportPin { get; }

    public string? Ticket { get; private set; }

    /// <summary>Registers user <paramref name="employeeId"/>, distributes and assigns a pool token, mails the storage PIN.</summary>
    public static async Task<EnrollmentScenario> PrepareAsync(KagiServerFactory server, TokenPool pool, string employeeId)
    {
        var admin = new KagiApiClient(server.CreateClient()) { ApiKey = server.OperatorApiKey };
        await admin.CreateUserAsync(new UserDto(employeeId, "Hanako Suzuki", "鈴木 花子", $"{employeeId}@example.jp", null));
        Kagi.Pkcs11.Slot slot = pool.Lease();
        string serial;
        string transport;
        using (PinBuffer so = TokenPool.SoPinBuffer())
        using (DistributionResult distributed = TokenDistributor.Distribute(slot, "Kagi", so))
        {
            serial = distributed.Serial;
            transport = System.Text.Encoding.UTF8.GetString(distributed.TransportPin.Bytes);
            await admin.RegisterDistributionAsync(serial, new DistributionRequest(distributed.Manufacturer, distributed.Model,
                Convert.ToBase64String(distributed.DistributionPublicKey), System.Text.Encoding.UTF8.GetString(distributed.SoPin.Bytes), transport));
        }

        await admin.AssignAsync(serial, employeeId);
        await admin.IssueStoragePinAsync(serial);
        return new EnrollmentScenario(pool.Attached(slot), serial, transport);
    }

    /// <summary>Token authentication and storage PIN on <paramref name="client"/>; returns the PIN-verified ticket.</summary>
    public async Task<string> AuthenticateAndVerifyAsync(KagiApiClient client, string mailDirectory)
    {
        await AuthenticateAsync(client);
        await client.VerifyStoragePinAsync(EnrollmentFlowTests.StoragePinFromMail(mailDirectory));
        Ticket = client.Ticket;
        return Ticket!;
    }

    /// <summary>STEP 1 only: a fresh nonce signed with the token's distribution key; <paramref name="client"/> keeps the ticket.</summary>
    public async Task AuthenticateAsync(KagiApiClient client)
    {
        NonceResponse nonce = await client.GetNonceAsync(Serial);
        byte[] signature;
        using (TokenSession session = TokenSession.Open(Token))
        {
            signature = DistributionKey.Sign(session, TokenAuthentication.Digest("https://kagi.test", Serial, nonce.Nonce))!;
        }

        await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(Serial, Token.Info.Manufacturer, Token.Info.Model, nonce.Nonce, Convert.ToBase64String(signature)));
    }

    /// <summary>Generates a key pair on the token and returns a CSR signed on the token.</summary>
    public byte[] NewCsr()
    {
        using TokenSession session = TokenSession.Open(Token, readWrite: true);
        using (PinBuffer pin = PinBuffer.FromChars(TransportPin))
        {
            session.TryLogin(pin);
        }

        TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, KeySpec.EcP256, "user", RandomNumberGenerator.GetBytes(8));
        using var signer = (ECDsa)key.CreateSigner();
        return new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=x", signer, HashAlgorithmName.SHA256).CreateSigningRequest();
    }
}
