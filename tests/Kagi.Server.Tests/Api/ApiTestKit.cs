using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Registry.Data;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// One server (test host) on its own SQLite or PostgreSQL database, with the operator client, raw HTTP helpers,
/// row counts straight from the database (to prove that refused requests wrote nothing), and the operator and
/// enrollment steps that bad-input and security tests start from.
/// </summary>
internal sealed partial class ApiServer : IDisposable
{
    public const string Origin = "https://kagi.test";

    private ApiServer(ServerDatabase database, KagiServerFactory factory)
    {
        Database = database;
        Factory = factory;
        Http = factory.CreateClient();
        Admin = new KagiApiClient(factory.CreateClient()) { ApiKey = factory.OperatorApiKey };
    }

    public ServerDatabase Database { get; }

    public KagiServerFactory Factory { get; }

    /// <summary>A client without credentials.</summary>
    public HttpClient Http { get; }

    /// <summary>The operator client (bootstrap API key).</summary>
    public KagiApiClient Admin { get; }

    public string ApiKey => Factory.OperatorApiKey;

    public AuthenticationHeaderValue AdminAuth => new("ApiKey", ApiKey);

    public static ApiServer Start(string provider, IDictionary<string, string?>? settings = null)
    {
        ServerDatabase database = ServerDatabase.Create(provider);
        try
        {
            var factory = new KagiServerFactory(database, extra: settings);
            _ = factory.Server; // start now: migrations, CA, bootstrap key
            return new ApiServer(database, factory);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public KagiApiClient NewClient() => new(Factory.CreateClient());

    public static AuthenticationHeaderValue Bearer(string ticket) => new("Bearer", ticket);

    // Raw HTTP

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, AuthenticationHeaderValue? auth = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = auth;
        return await (client ?? Http).SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, AuthenticationHeaderValue? auth = null, HttpClient? client = null) =>
        SendAsync(HttpMethod.Post, path, Json(json), auth, client);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, AuthenticationHeaderValue? auth = null, HttpClient? client = null) =>
        PostJsonAsync(path, JsonSerializer.Serialize(body, KagiApiClient.Json), auth, client);

    public static StringContent Json(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    // What the database holds

    public async Task<RowCounts> CountsAsync()
    {
        await using KagiDbContext db = KagiDatabase.CreateContext(Database.Provider, Database.ConnectionString);
        return new RowCounts(
            await db.Users.CountAsync(),
            await db.Tokens.CountAsync(),
            await db.Assignments.CountAsync(),
            await db.EnrollmentOrders.CountAsync(),
            await db.StoragePins.CountAsync(),
            await db.Nonces.CountAsync(),
            await db.IssuedCertificates.CountAsync(),
            await db.AuditEntries.CountAsync());
    }

    public async Task<T> QueryAsync<T>(Func<KagiDbContext, Task<T>> query)
    {
        await using KagiDbContext db = KagiDatabase.CreateContext(Database.Provider, Database.ConnectionString);
        return await query(db);
    }

    /// <summary>The token list and assignment list as the operator API shows them, for "nothing changed" checks.</summary>
    public async Task<string> InventoryAsync() =>
        JsonSerializer.Serialize(await Admin.ListTokensAsync()) + JsonSerializer.Serialize(await Admin.ListAssignmentsAsync());

    // Operator steps

    public static UserDto User(string employeeId) =>
        new(employeeId, "Taro Yamada", "山田 太郎", employeeId.ToLowerInvariant() + "@example.jp", "Kagi Test");

    public Task<TokenDto> DistributeAsync(ITestToken token) =>
        Admin.RegisterDistributionAsync(token.Serial, new DistributionRequest(
            token.Manufacturer, token.Model, Convert.ToBase64String(token.DistributionPublicKey), token.SoPin, token.TransportPin));

    /// <summary>Registers a user, distributes the token (or only registers it), assigns it and mails a storage PIN, as asked.</summary>
    public async Task<Enrollee> PrepareAsync(ITestToken token, string employeeId, bool distribute = true, bool assign = true, bool issuePin = true)
    {
        await Admin.CreateUserAsync(User(employeeId));
        if (distribute)
        {
            await DistributeAsync(token);
        }
        else
        {
            await Admin.CreateTokenAsync(new TokenDto(token.Serial, token.Manufacturer, token.Model, "inStock", false));
        }

        AssignmentDto? assignment = assign ? await Admin.AssignAsync(token.Serial, employeeId) : null;
        string? pin = assign && issuePin ? await IssueStoragePinAsync(token.Serial) : null;
        return new Enrollee(token, employeeId, assignment, pin);
    }

    /// <summary>Has the operator issue (or re-issue) the storage PIN and reads it from the mail that was sent.</summary>
    public async Task<string> IssueStoragePinAsync(string serial)
    {
        string mail = Factory.MailDirectory;
        Directory.CreateDirectory(mail);
        var before = Directory.GetFiles(mail, "*.eml").ToHashSet(StringComparer.Ordinal);
        await Admin.IssueStoragePinAsync(serial);
        string sent = Assert.Single(Directory.GetFiles(mail, "*.eml"), f => !before.Contains(f));
        Match match = PinLine().Match(MimeText.Body(await File.ReadAllTextAsync(sent)));
        Assert.True(match.Success, "no storage PIN in the mail");
        return match.Groups[1].Value;
    }

    // Enrollment steps

    /// <summary>Token authentication (nonce, signature by the token's distribution key); returns the ticket.</summary>
    public static async Task<string> AuthenticateAsync(KagiApiClient client, ITestToken token)
    {
        NonceResponse nonce = await client.GetNonceAsync(token.Serial);
        byte[] signature = token.Sign(TokenAuthentication.Digest(Origin, token.Serial, nonce.Nonce));
        TicketResponse ticket = await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(
            token.Serial, token.Manufacturer, token.Model, nonce.Nonce, Convert.ToBase64String(signature)));
        return ticket.Ticket;
    }

    /// <summary>Token authentication and storage PIN; returns the PIN-verified ticket (also kept by <paramref name="client"/>).</summary>
    public static async Task<string> VerifiedTicketAsync(KagiApiClient client, Enrollee enrollee)
    {
        await AuthenticateAsync(client, enrollee.Token);
        return (await client.VerifyStoragePinAsync(enrollee.StoragePin!)).Ticket;
    }

    public void Dispose()
    {
        Factory.Dispose();
        Database.Dispose();
    }

    [GeneratedRegex(@"PIN: ([A-Za-z0-9]+)")]
    private static partial Regex PinLine();
}

/// <summary>Row counts of every table a request could write to.</summary>
internal readonly record struct RowCounts(int Users, int Tokens, int Assignments, int Orders, int StoragePins, int Nonces, int Certificates, int AuditEntries);

/// <summary>A user with a token as the operator prepared them.</summary>
internal sealed record Enrollee(ITestToken Token, string EmployeeId, AssignmentDto? Assignment, string? StoragePin);

/// <summary>What the server knows of a token: serial, model, distribution key, the PINs set at distribution.</summary>
internal interface ITestToken
{
    string Serial { get; }

    string Manufacturer { get; }

    string Model { get; }

    byte[] DistributionPublicKey { get; }

    string SoPin { get; }

    string TransportPin { get; }

    /// <summary>Signs a token authentication digest with the distribution key (ECDSA r‖s).</summary>
    byte[] Sign(byte[] digest);
}

/// <summary>
/// A token whose distribution key is a software key. The server only ever sees the public key and signatures, so
/// for tests about the server's answers this is the same as a real token, and it leaves the SoftHSM2 pool alone.
/// </summary>
internal sealed class SoftToken : ITestToken, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string Serial { get; } = "SW" + Convert.ToHexString(RandomNumberGenerator.GetBytes(7));

    public string Manufacturer => "Kagi Test";

    public string Model => "Soft P-256";

    public byte[] DistributionPublicKey => _key.ExportSubjectPublicKeyInfo();

    public string SoPin { get; } = "SO" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));

    public string TransportPin { get; } = "TP" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));

    public byte[] Sign(byte[] digest) => _key.SignHash(digest);

    public void Dispose() => _key.Dispose();
}

/// <summary>A SoftHSM2 token from the pool, distributed as the operator would (erased, random PINs, distribution key).</summary>
internal sealed class PoolToken : ITestToken
{
    private PoolToken(TokenPool pool, Slot slot, DistributionResult distributed)
    {
        Attached = pool.Attached(slot);
        Serial = distributed.Serial;
        Manufacturer = Attached.Info.Manufacturer;
        Model = Attached.Info.Model;
        DistributionPublicKey = distributed.DistributionPublicKey;
        SoPin = Encoding.UTF8.GetString(distributed.SoPin.Bytes);
        TransportPin = Encoding.UTF8.GetString(distributed.TransportPin.Bytes);
    }

    public AttachedToken Attached { get; }

    public string Serial { get; }

    public string Manufacturer { get; }

    public string Model { get; }

    public byte[] DistributionPublicKey { get; }

    public string SoPin { get; }

    public string TransportPin { get; }

    public static PoolToken Lease(TokenPool pool)
    {
        Slot slot = pool.Lease();
        using PinBuffer so = TokenPool.SoPinBuffer();
        using DistributionResult distributed = TokenDistributor.Distribute(slot, "Kagi", so);
        return new PoolToken(pool, slot, distributed);
    }

    public byte[] Sign(byte[] digest)
    {
        using TokenSession session = TokenSession.Open(Attached);
        return DistributionKey.Sign(session, digest)!;
    }

    /// <summary>A key pair generated on the token (logged in with the transport PIN) and a CSR signed on the token.</summary>
    public byte[] NewCsr()
    {
        using TokenSession session = TokenSession.Open(Attached, readWrite: true);
        using (PinBuffer pin = PinBuffer.FromChars(TransportPin))
        {
            Assert.Equal(LoginOutcome.Success, session.TryLogin(pin).Outcome);
        }

        TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, KeySpec.EcP256, "Kagi test", RandomNumberGenerator.GetBytes(8));
        using var signer = (ECDsa)key.CreateSigner();
        return new CertificateRequest("CN=ignored", signer, HashAlgorithmName.SHA256).CreateSigningRequest();
    }
}

/// <summary>CSRs made in software.</summary>
internal static class Csrs
{
    public static byte[] Ec(ECCurve curve)
    {
        using ECDsa key = ECDsa.Create(curve);
        return new CertificateRequest("CN=software", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    public static byte[] Ec(ECDsa key) => new CertificateRequest("CN=software", key, HashAlgorithmName.SHA256).CreateSigningRequest();

    public static byte[] Rsa(int bits)
    {
        using RSA key = RSA.Create(bits);
        return new CertificateRequest("CN=software", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
    }
}

/// <summary>Assertions on RFC 9457 problem responses.</summary>
internal static class Problem
{
    /// <summary>
    /// Asserts status, content type application/problem+json, the stable code, and the type and status members;
    /// returns the body. <paramref name="because"/> names the case in failure messages.
    /// </summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? because = null)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            string label = because is null ? string.Empty : because + ": ";
            Assert.True(response.StatusCode == status && response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{label}expected {(int)status} {code} as application/problem+json, got {(int)response.StatusCode} {response.Content.Headers.ContentType}: {Shorten(body)}");
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                Assert.Fail($"{label}not JSON: {Shorten(body)}");
                throw;
            }

            Assert.True(root.TryGetProperty("code", out JsonElement actual) && actual.GetString() == code, $"{label}expected code {code}: {Shorten(body)}");
            Assert.Equal((int)status, root.GetProperty("status").GetInt32());
            Assert.Equal("https://kagi.dev/problems/" + code, root.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()), label + "title missing");
            return root;
        }
    }

    /// <summary>The fields named in the "errors" member of a validation problem.</summary>
    public static string[] ErrorFields(JsonElement problem) =>
        problem.TryGetProperty("errors", out JsonElement errors)
            ? errors.EnumerateArray().Select(e => e.TryGetProperty("field", out JsonElement f) ? f.GetString()! : e.GetProperty("column").GetString()!).ToArray()
            : [];

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
