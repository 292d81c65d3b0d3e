using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Kagi.Protocol;
using Kagi.Server.Enrollment;
using Kagi.Server.Security;
using Kagi.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// Token authentication and enrollment tickets against a real SoftHSM2 token's distribution key: who is refused,
/// with which status and code, and that a refused attempt never yields a ticket.
/// </summary>
[Collection(ServerCollection.Name)]
public class TokenAuthenticationTests(TokenPool pool)
{
    private const string Nonce = "/api/v1/enrollment/nonce";
    private const string Authenticate = "/api/v1/enrollment/authenticate";
    private const string User = "/api/v1/enrollment/user";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Only_the_distributed_token_signing_a_fresh_nonce_of_its_own_gets_a_ticket(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        PoolToken token = PoolToken.Lease(pool);
        Enrollee enrollee = await server.PrepareAsync(token, "E5001");
        using var other = new SoftToken();
        await server.PrepareAsync(other, "E5002", issuePin: false);
        using var undistributed = new SoftToken();
        await server.PrepareAsync(undistributed, "E5003", distribute: false, assign: false);

        TokenAuthenticationRequest Signed(ITestToken signer, string serial, string nonce, string? origin = null, string? model = null) =>
            new(serial, token.Manufacturer, model ?? token.Model, nonce,
                Convert.ToBase64String(signer.Sign(TokenAuthentication.Digest(origin ?? ApiServer.Origin, serial, nonce))));

        async Task<string> NewNonce(string serial) => (await server.NewClient().GetNonceAsync(serial)).Nonce;

        // Unknown serial: 404 unknown-token, for the nonce and for authentication; no nonce is stored.
        RowCounts start = await server.CountsAsync();
        await Problem.AssertAsync(await server.PostJsonAsync(Nonce, new NonceRequest("UNKNOWN5000")), HttpStatusCode.NotFound, "unknown-token");
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, "UNKNOWN5000", "bm9uY2U")), HttpStatusCode.NotFound, "unknown-token");
        Assert.Equal(start, await server.CountsAsync());

        // Registered but never distributed: there is no key to check a signature with.
        string undistributedNonce = await NewNonce(undistributed.Serial);
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(undistributed, undistributed.Serial, undistributedNonce) with { Manufacturer = undistributed.Manufacturer, Model = undistributed.Model }),
            HttpStatusCode.Conflict, "token-not-distributed");

        // Missing or unreadable signature: 400 before the nonce is touched.
        string nonce = await NewNonce(token.Serial);
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, nonce) with { Signature = null! }), HttpStatusCode.BadRequest, "validation-failed");
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, nonce) with { Signature = "garbage!" }), HttpStatusCode.BadRequest, "validation-failed");

        // A readable but wrong signature: 401, and the nonce is used up by the attempt.
        int failedBefore = await AuditCount(server, "token.authentication-failed");
        var wrong = new (string Because, Func<string, TokenAuthenticationRequest> Request)[]
        {
            ("signed by another key", n => Signed(other, token.Serial, n)),
            ("signed over another nonce", n => Signed(token, token.Serial, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)))  with { Nonce = n }),
            ("signed for another origin", n => Signed(token, token.Serial, n, origin: "https://evil.example")),
            ("signed for another serial", n => Signed(token, other.Serial, n) with { Serial = token.Serial }),
            ("random signature bytes", n => Signed(token, token.Serial, n) with { Signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) }),
            ("all-zero signature", n => Signed(token, token.Serial, n) with { Signature = Convert.ToBase64String(new byte[64]) }),
            ("DER instead of r||s", n => Signed(token, token.Serial, n) with { Signature = Convert.ToBase64String(ToDer(token.Sign(TokenAuthentication.Digest(ApiServer.Origin, token.Serial, n)))) }),
            ("another model", n => Signed(token, token.Serial, n, model: "Other model")),
            ("another manufacturer", n => Signed(token, token.Serial, n) with { Manufacturer = "Other maker" }),
        };
        foreach (var (because, request) in wrong)
        {
            string fresh = because == "signed by another key" ? nonce : await NewNonce(token.Serial);
            TokenAuthenticationRequest attempt = request(fresh);
            await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, attempt), HttpStatusCode.Unauthorized, "token-authentication-failed", because);

            // The same nonce with a correct signature is now refused: it was consumed.
            await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, fresh)), HttpStatusCode.BadRequest, "nonce-invalid", because + ", then replayed");
        }

        Assert.Equal(failedBefore + wrong.Length, await AuditCount(server, "token.authentication-failed"));

        // Nonces nobody issued, issued for another token, or used twice.
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)))), HttpStatusCode.BadRequest, "nonce-invalid", "unknown nonce");
        string othersNonce = await NewNonce(other.Serial);
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, othersNonce)), HttpStatusCode.BadRequest, "nonce-invalid", "another token's nonce");
        var othersRequest = new TokenAuthenticationRequest(other.Serial, other.Manufacturer, other.Model, othersNonce,
            Convert.ToBase64String(other.Sign(TokenAuthentication.Digest(ApiServer.Origin, other.Serial, othersNonce))));
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync(Authenticate, othersRequest)).StatusCode); // still unused by its own token
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, othersRequest), HttpStatusCode.BadRequest, "nonce-invalid", "replayed");

        // Parallel use of one nonce with a correct signature: one ticket.
        string raced = await NewNonce(token.Serial);
        HttpResponseMessage[] race = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.PostJsonAsync(Authenticate, Signed(token, token.Serial, raced), client: server.Factory.CreateClient())));
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.OK);
        foreach (HttpResponseMessage refused in race.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await Problem.AssertAsync(refused, HttpStatusCode.BadRequest, "nonce-invalid", "raced");
        }

        // Finally the real thing.
        KagiApiClient client = server.NewClient();
        string ticket = await ApiServer.AuthenticateAsync(client, token);
        Assert.Equal("Taro Yamada", (await client.GetAssignedUserAsync()).RomanizedName);

        await TicketsAreCheckedAsync(server, ticket, token.Serial);

        // A ticket without the storage PIN cannot get a certificate or report one stored.
        RowCounts beforeCsr = await server.CountsAsync();
        byte[] csr = Csrs.Ec(ECCurve.NamedCurves.nistP256);
        await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/certificate", new CertificateSigningRequest(Convert.ToBase64String(csr)), ApiServer.Bearer(ticket)),
            HttpStatusCode.Forbidden, "storage-pin-not-verified");
        await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/certificate", new CertificateSigningRequest("garbage!"), ApiServer.Bearer(ticket)),
            HttpStatusCode.Forbidden, "storage-pin-not-verified");
        await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/stored", new StoredRequest("0A"), ApiServer.Bearer(ticket)), HttpStatusCode.Forbidden, "storage-pin-not-verified");
        Assert.Equal(beforeCsr, await server.CountsAsync());

        // A PIN-verified ticket is bound to the assignment: once the operator takes the token back, it is refused.
        string verified = (await client.VerifyStoragePinAsync(enrollee.StoragePin!)).Ticket;
        Assert.NotEqual(ticket, verified);
        await server.Admin.SetTokenStateAsync(token.Serial, "inStock");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Get, User, auth: ApiServer.Bearer(verified)), HttpStatusCode.Conflict, "no-assignment");
        await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/certificate", new CertificateSigningRequest(Convert.ToBase64String(csr)), ApiServer.Bearer(verified)),
            HttpStatusCode.Conflict, "no-assignment");
        Assert.Equal(0, (await server.CountsAsync()).Certificates);

        // Returned to stock, the token's distribution key is forgotten.
        string afterReturn = await NewNonce(token.Serial);
        await Problem.AssertAsync(await server.PostJsonAsync(Authenticate, Signed(token, token.Serial, afterReturn)), HttpStatusCode.Conflict, "token-not-distributed");
        Assert.True((await server.Admin.VerifyAuditAsync()).Ok);
    }

    /// <summary>Missing, malformed, forged, foreign and expired tickets on every ticket endpoint: 401 ticket-invalid.</summary>
    private static async Task TicketsAreCheckedAsync(ApiServer server, string ticket, string serial)
    {
        byte[] key = new SecretProtector(Convert.FromBase64String(server.Factory.SecretKey)).TicketKey;
        EnrollmentTicket decoded = EnrollmentTicket.Decode(ticket, key, DateTimeOffset.UtcNow)!;
        Assert.False(decoded.PinVerified);
        string[] parts = ticket.Split('.');
        string flippedMac = parts[0] + "." + (parts[1][0] == 'A' ? 'B' : 'A') + parts[1][1..];
        string claimedPin = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])).Replace("\"p\":false", "\"p\":true", StringComparison.Ordinal))) + "." + parts[1];
        string foreignKey = (decoded with { PinVerified = true }).Encode(RandomNumberGenerator.GetBytes(32));
        string expired = (decoded with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds() }).Encode(key);
        string otherSerial = (decoded with { Serial = "UNKNOWN5000" }).Encode(RandomNumberGenerator.GetBytes(32));

        AuthenticationHeaderValue?[] refused =
        [
            null,
            new("Bearer", "garbage"),
            new("Bearer", "a.b"),
            new("Bearer", "a.b.c"),
            new("Bearer", new string('A', 2000) + "." + parts[1]),
            new("Bearer", flippedMac),
            new("Bearer", claimedPin),
            new("Bearer", foreignKey),
            new("Bearer", expired),
            new("Bearer", otherSerial),
            new("Basic", ticket),
            new("ApiKey", server.ApiKey),
        ];
        foreach (AuthenticationHeaderValue? auth in refused)
        {
            string because = auth?.ToString() is { Length: > 60 } text ? text[..60] : auth?.ToString() ?? "no ticket";
            await Problem.AssertAsync(await server.SendAsync(HttpMethod.Get, User, auth: auth), HttpStatusCode.Unauthorized, "ticket-invalid", "user " + because);
            await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/storage-pin", new StoragePinRequest("WRONGPIN"), auth), HttpStatusCode.Unauthorized, "ticket-invalid", "storage-pin " + because);
            await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/certificate", new CertificateSigningRequest("AAAA"), auth), HttpStatusCode.Unauthorized, "ticket-invalid", "certificate " + because);
            await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/stored", new StoredRequest("0A"), auth), HttpStatusCode.Unauthorized, "ticket-invalid", "stored " + because);
            await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/certificate/restore", new CertificateRestoreRequest("AAAA"), auth), HttpStatusCode.Unauthorized, "ticket-invalid", "restore " + because);

            // Even a malformed body: the ticket is checked first.
            await Problem.AssertAsync(await server.PostJsonAsync("/api/v1/enrollment/storage-pin", "{", auth), HttpStatusCode.Unauthorized, "ticket-invalid", "malformed body " + because);
        }

        // None of that counted a storage PIN attempt.
        int failed = await server.QueryAsync(db => db.StoragePins.SumAsync(p => p.FailedAttempts));
        Assert.Equal(0, failed);
        Assert.Equal(serial, decoded.Serial);
    }

    private static Task<int> AuditCount(ApiServer server, string action) =>
        server.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == action));

    /// <summary>An r‖s ECDSA signature as DER (what a client might send by mistake).</summary>
    private static byte[] ToDer(byte[] rs)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(rs.AsSpan(0, rs.Length / 2)));
            writer.WriteIntegerUnsigned(Minimal(rs.AsSpan(rs.Length / 2)));
        }

        return writer.Encode();

        // r and s are fixed-width halves: about one signature in 128 has a half starting with a zero byte, which
        // DER must drop (WriteIntegerUnsigned refuses redundant leading zeros).
        static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> half)
        {
            var start = 0;
            while (start < half.Length - 1 && half[start] == 0)
            {
                start++;
            }

            return half[start..];
        }
    }
}
