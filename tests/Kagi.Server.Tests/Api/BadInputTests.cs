using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// Malformed, oversized and hostile input on the operator and enrollment APIs: every refusal is a 4xx
/// application/problem+json with a stable code, and nothing is written. The rule for JSON bodies: a body that is not
/// JSON of the documented shape (syntax error, wrong member type, JSON null or an array instead of an object, a
/// member given twice, nothing at all) is 400 malformed-request; a well-formed object with a required member missing,
/// null, empty or invalid is 400 validation-failed (csr-malformed for the CSR).
/// </summary>
public class BadInputTests
{
    private const string Admin = "/api/v1/admin";
    private const string Enrollment = "/api/v1/enrollment";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Malformed_json_is_malformed_request_and_missing_members_are_validation_failed_with_nothing_written(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E2001");
        KagiApiClient client = server.NewClient();
        string ticket = await ApiServer.VerifiedTicketAsync(client, enrollee);
        await server.Admin.CreateTokenAsync(new TokenDto("STOCK1", "Kagi Test", "Stock", "inStock", false));
        RowCounts before = await server.CountsAsync();
        string inventory = await server.InventoryAsync();

        // Each endpoint with a JSON body, the credentials it needs, and one of its string members.
        (string Path, AuthenticationHeaderValue? Auth, string Member)[] endpoints =
        [
            ($"{Admin}/users", server.AdminAuth, "employeeId"),
            ($"{Admin}/tokens", server.AdminAuth, "serial"),
            ($"{Admin}/tokens/STOCK1/assignment", server.AdminAuth, "employeeId"),
            ($"{Admin}/tokens/NEW1/distribution", server.AdminAuth, "distributionPublicKey"),
            ($"{Admin}/tokens/STOCK1/state", server.AdminAuth, "state"),
            ($"{Admin}/certificates/0A0B/revocation", server.AdminAuth, "reason"),
            ($"{Enrollment}/nonce", null, "serial"),
            ($"{Enrollment}/authenticate", null, "serial"),
            ($"{Enrollment}/storage-pin", ApiServer.Bearer(ticket), "storagePin"),
            ($"{Enrollment}/certificate", ApiServer.Bearer(ticket), "csr"),
            ($"{Enrollment}/stored", ApiServer.Bearer(ticket), "serialNumber"),
            ($"{Enrollment}/certificate/restore", ApiServer.Bearer(ticket), "publicKey"),
        ];

        int cases = 0;
        foreach (var (path, auth, member) in endpoints)
        {
            string[] malformed =
            [
                "{",
                "{\"" + member + "\": }",
                "not json",
                string.Empty,
                "null",
                "[]",
                "42",
                "\"text\"",
                "{\"" + member + "\": 5}",
                "{\"" + member + "\": true}",
                "{\"" + member + "\": [\"a\"]}",
                "{\"" + member + "\": {\"a\": 1}}",
                "{\"" + member + "\": \"a\", \"" + member + "\": \"b\"}",
                "{\"" + member + "\": \"a\"} trailing",
                "{\"" + member + "\": \"\\ud800\"}",
                "{\"" + member + "\": \"a\"",
            ];
            foreach (string body in malformed)
            {
                await Problem.AssertAsync(await server.PostJsonAsync(path, body, auth), HttpStatusCode.BadRequest, "malformed-request", $"{path} {body}");
                cases++;
            }

            string missing = path.EndsWith("/certificate", StringComparison.Ordinal) ? "csr-malformed" : "validation-failed";
            foreach (string body in new[] { "{}", "{\"" + member + "\": null}", "{\"" + member + "\": \"\"}", "{\"unknown\": \"x\"}" })
            {
                await Problem.AssertAsync(await server.PostJsonAsync(path, body, auth), HttpStatusCode.BadRequest, missing, $"{path} {body}");
                cases++;
            }
        }

        Assert.Equal(endpoints.Length * 20, cases);
        Assert.Equal(before, await server.CountsAsync());
        Assert.Equal(inventory, await server.InventoryAsync());

        // The enrollment is unharmed: the ticket still works.
        Assert.Equal(enrollee.Assignment!.CertificateId, (await client.GetAssignedUserAsync()).CertificateId);
    }

    [Fact]
    public async Task Wrong_media_type_method_and_unknown_routes_are_problems_with_codes()
    {
        using ApiServer server = ApiServer.Start("sqlite");
        RowCounts before = await server.CountsAsync();

        var text = new StringContent("{\"employeeId\":\"E1\"}", Encoding.UTF8, "text/plain");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/users", text, server.AdminAuth), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        var none = new ByteArrayContent("{\"serial\":\"A1\"}"u8.ToArray());
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Enrollment}/nonce", none), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Delete, $"{Admin}/tokens", auth: server.AdminAuth), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Get, $"{Enrollment}/nonce"), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Put, $"{Admin}/users", ApiServer.Json("{}"), server.AdminAuth), HttpStatusCode.MethodNotAllowed, "method-not-allowed");

        string[] unknown =
        [
            "/nope", "/api", "/api/v1", "/api/v2/enrollment/nonce", "/api/v1/nope", $"{Admin}/nope", $"{Admin}/users/E1", $"{Enrollment}/nope",
            "/pki/nope.crl", "/pki/nope.cer", "/pki/..%2F..%2Fetc%2Fpasswd", "/api/v1/admin/tokens/A1/nope", "/openapi/v2.json", "/openapi/nope",
            "/api/v1/admin/ca/nope", "/api/anything/deeper",
        ];
        foreach (string path in unknown)
        {
            JsonElement problem = await Problem.AssertAsync(await server.SendAsync(HttpMethod.Get, path, auth: server.AdminAuth), HttpStatusCode.NotFound, "not-found", path);
            Assert.True(problem.TryGetProperty("traceId", out _));
            if (!path.StartsWith("/pki/", StringComparison.Ordinal) && !path.StartsWith("/openapi/", StringComparison.Ordinal))
            {
                await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, path, ApiServer.Json("{}")), HttpStatusCode.NotFound, "not-found", "POST " + path);
            }
        }

        Assert.Equal(before, await server.CountsAsync());

        // The API description is still served.
        using HttpResponseMessage openApi = await server.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task Too_many_enrollment_requests_are_429_rate_limited()
    {
        using ApiServer server = ApiServer.Start("sqlite", new Dictionary<string, string?> { ["Kagi:EnrollmentRequestsPerMinute"] = "3" });
        for (int i = 0; i < 3; i++)
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/nonce", new NonceRequest("UNKNOWN" + i)), HttpStatusCode.NotFound, "unknown-token");
        }

        await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/nonce", new NonceRequest("UNKNOWN3")), HttpStatusCode.TooManyRequests, "rate-limited");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/authenticate", "{"), HttpStatusCode.TooManyRequests, "rate-limited");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Get, $"{Enrollment}/user"), HttpStatusCode.TooManyRequests, "rate-limited");

        // The operator API is not limited this way.
        Assert.Empty(await server.Admin.ListTokensAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Oversized_bodies_are_413_body_too_large_with_or_without_content_length(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E2101");
        string ticket = await ApiServer.AuthenticateAsync(server.NewClient(), token);
        RowCounts before = await server.CountsAsync();

        const int Limit = 4 * 1024 * 1024;
        (string Path, AuthenticationHeaderValue? Auth)[] endpoints =
        [
            ($"{Admin}/users", server.AdminAuth),
            ($"{Admin}/users/import", server.AdminAuth),
            ($"{Admin}/tokens/import", server.AdminAuth),
            ($"{Admin}/tokens/{token.Serial}/distribution", server.AdminAuth),
            ($"{Enrollment}/nonce", null),
            ($"{Enrollment}/authenticate", null),
            ($"{Enrollment}/storage-pin", ApiServer.Bearer(ticket)),
        ];
        foreach (var (path, auth) in endpoints)
        {
            byte[] body = JsonBody(Limit + 1);
            await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, path, Bytes(body), auth), HttpStatusCode.RequestEntityTooLarge, "body-too-large", path + " with Content-Length");
            await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, path, new UnknownLengthContent(body), auth), HttpStatusCode.RequestEntityTooLarge, "body-too-large", path + " chunked");
            await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, path, new UnknownLengthContent(JsonBody(64 * 1024 * 1024)), auth), HttpStatusCode.RequestEntityTooLarge, "body-too-large", path + " 64 MiB chunked");
        }

        // Exactly at the limit the body is read (and refused for what it says, not for its size).
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/users", Bytes(JsonBody(Limit)), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "at the limit");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Enrollment}/nonce", new UnknownLengthContent(JsonBody(Limit))), HttpStatusCode.BadRequest, "validation-failed", "at the limit, chunked");

        // Credentials are checked before the size: no key, no 413.
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/users", Bytes(JsonBody(Limit + 1))), HttpStatusCode.Unauthorized, "unauthorized");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Enrollment}/storage-pin", Bytes(JsonBody(Limit + 1))), HttpStatusCode.Unauthorized, "ticket-invalid");

        Assert.Equal(before, await server.CountsAsync());
        Assert.NotNull(enrollee.StoragePin);
    }

    [Fact]
    public async Task Oversized_bodies_are_413_body_too_large_on_kestrel()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(server.Url) };
        var auth = new AuthenticationHeaderValue("ApiKey", server.OperatorApiKey);

        foreach (bool expectContinue in new[] { false, true })
        {
            foreach (HttpContent content in new HttpContent[] { Bytes(JsonBody(5 * 1024 * 1024)), new UnknownLengthContent(JsonBody(5 * 1024 * 1024)) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/users") { Content = content };
                request.Headers.Authorization = auth;
                request.Headers.ExpectContinue = expectContinue;
                await Problem.AssertAsync(await http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "body-too-large", $"{content.GetType().Name}, Expect: 100-continue {expectContinue}");
            }
        }

        using var nonce = new HttpRequestMessage(HttpMethod.Post, "/api/v1/enrollment/nonce") { Content = new UnknownLengthContent(JsonBody(5 * 1024 * 1024)) };
        await Problem.AssertAsync(await http.SendAsync(nonce), HttpStatusCode.RequestEntityTooLarge, "body-too-large", "nonce");

        // The server still answers normally afterwards.
        using var ok = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/tokens");
        ok.Headers.Authorization = auth;
        using HttpResponseMessage list = await http.SendAsync(ok);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Hostile_strings_in_serials_employee_ids_and_names_are_refused_and_nothing_is_written(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        await server.Admin.CreateUserAsync(ApiServer.User("E3001"));
        await server.Admin.CreateTokenAsync(new TokenDto("STOCK1", "Kagi Test", "Stock", "inStock", false));
        RowCounts before = await server.CountsAsync();
        string inventory = await server.InventoryAsync();

        string[] hostile =
        [
            "'; DROP TABLE users; --",
            "<script>alert(1)</script>",
            "a\0b",
            "a\u0007b",
            "a\nb",
            "a\u202Eb", // right-to-left override
            "a\u200Bb", // zero-width space
        ];
        string[] identifierOnly = ["../../etc/passwd", "a b", "a/b", "%00", "\u0410dmin" /* Cyrillic A */, "E3001\u0000"];
        string[] nameOnly = ["../../etc/passwd", "Taro\tYamada", "Robert'); --", "${jndi:ldap://x}"];
        int cases = 0;

        async Task ExpectRefused(string path, object body, string field, string because)
        {
            JsonElement problem = await Problem.AssertAsync(await server.PostJsonAsync(path, body, server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", because);
            Assert.Contains(field, Problem.ErrorFields(problem));
            cases++;
        }

        UserDto user = ApiServer.User("E3002");
        foreach (string value in hostile.Concat(identifierOnly).Append(string.Empty).Append("   ").Append(new string('E', 65)))
        {
            await ExpectRefused($"{Admin}/users", user with { EmployeeId = value }, "employee_id", "employeeId " + Show(value));
            await ExpectRefused($"{Admin}/tokens", new TokenDto(value, "Kagi Test", "Model", "inStock", false), "serial", "serial " + Show(value));
        }

        foreach (string value in hostile.Concat(nameOnly).Append(string.Empty).Append(new string('a', 201)))
        {
            await ExpectRefused($"{Admin}/users", user with { RomanizedName = value }, "romanized_name", "romanizedName " + Show(value));
            if (value.Length > 0)
            {
                await ExpectRefused($"{Admin}/users", user with { KanjiName = "山田" + value }, "kanji_name", "kanjiName " + Show(value));
            }
        }

        foreach (string value in hostile.Append(new string('a', 201)))
        {
            await ExpectRefused($"{Admin}/users", user with { Organization = value }, "organization", "organization " + Show(value));
            await ExpectRefused($"{Admin}/tokens", new TokenDto("T3003", value[..Math.Min(value.Length, 65)], "Model", "inStock", false), "manufacturer", "manufacturer " + Show(value));
            await ExpectRefused($"{Admin}/tokens", new TokenDto("T3003", "Kagi Test", value[..Math.Min(value.Length, 65)], "inStock", false), "model", "model " + Show(value));
        }

        foreach (string value in new[] { "a@b", "not an address", "\"<script>\"@example.jp", "a@example.jp\r\nBcc: x@example.jp", "a;b@example.jp", string.Empty })
        {
            await ExpectRefused($"{Admin}/users", user with { Email = value }, "email", "email " + Show(value));
        }

        // In a route: a serial that cannot be one is refused before the database is asked. (NUL in a path never
        // reaches the application: Kestrel answers 400 itself, and the test host refuses to send it.)
        foreach (string value in hostile.Concat(identifierOnly).Append(new string('S', 65)).Where(v => !v.Contains('\0', StringComparison.Ordinal)))
        {
            string serial = Uri.EscapeDataString(value);
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/{serial}/assignment", new AssignRequest("E3001"), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "assign " + Show(value));
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/{serial}/state", new TokenStateRequest("damaged"), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "state " + Show(value));
            await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/tokens/{serial}/storage-pin", auth: server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "storage-pin " + Show(value));
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/{serial}/assignment", new AssignRequest(value), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "assign to " + Show(value));
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/STOCK1/assignment", new AssignRequest(value), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "assign STOCK1 to " + Show(value));
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/certificates/{serial}/revocation", new RevokeRequest("keyCompromise"), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "revoke " + Show(value));
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/nonce", new NonceRequest(value)), HttpStatusCode.BadRequest, "validation-failed", "nonce " + Show(value));
            cases += 7;
        }

        Assert.True(cases > 150, cases.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(before, await server.CountsAsync());
        Assert.Equal(inventory, await server.InventoryAsync());

        // The tables are intact and ordinary values still go in; apostrophes and macrons belong in names.
        await server.Admin.CreateUserAsync(new UserDto("E3003", "Shin'ichi Ōno", "大野 伸一", "shinichi.ono@example.jp", "Kagi & Co. (Tokyo)"));
        await server.Admin.CreateTokenAsync(new TokenDto("T3003", "Kagi Test", "ePass2003 v2.1", "inStock", false));
        Assert.Equal(before with { Users = before.Users + 1, Tokens = before.Tokens + 1, AuditEntries = before.AuditEntries + 2 }, await server.CountsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_base64_and_bad_keys_are_refused_without_writing_or_using_up_anything(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E4001");
        RowCounts before = await server.CountsAsync();

        // distributionPublicKey of a token the server does not know yet: refused before the token is registered.
        using var weak = RSA.Create(1024);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string[] badKeys =
        [
            "not base64!", string.Empty, "====", "AAAA", Convert.ToBase64String(RandomNumberGenerator.GetBytes(91)),
            Convert.ToBase64String(weak.ExportSubjectPublicKeyInfo()),
            Convert.ToBase64String([.. p256.ExportSubjectPublicKeyInfo(), 0]),
            Convert.ToBase64String(p256.ExportSubjectPublicKeyInfo()[..^1]),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(5000)),
            Convert.ToBase64String(Csrs.Ec(ECCurve.NamedCurves.nistP256)),
        ];
        foreach (string key in badKeys)
        {
            var request = new DistributionRequest("Kagi Test", "Soft", key, "SOPIN1234", "TRANSPORT1");
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/NEW4001/distribution", request, server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", "key " + Show(key));
            Assert.Equal(before, await server.CountsAsync()); // the unknown token was not registered on the way
        }

        string good = Convert.ToBase64String(p256.ExportSubjectPublicKeyInfo());
        foreach (DistributionRequest request in new[]
        {
            new DistributionRequest("Kagi Test", "Soft", good, string.Empty, "TRANSPORT1"),
            new DistributionRequest("Kagi Test", "Soft", good, "SOPIN1234", new string('x', 65)),
            new DistributionRequest("Kagi Test", "Soft", good, "SO PIN\n", "TRANSPORT1"),
            new DistributionRequest("<script>", "Soft", good, "SOPIN1234", "TRANSPORT1"),
            new DistributionRequest(string.Empty, "Soft", good, "SOPIN1234", "TRANSPORT1"),
            new DistributionRequest("Kagi Test", new string('m', 65), good, "SOPIN1234", "TRANSPORT1"),
        })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/NEW4001/distribution", request, server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", request.ToString());
        }

        Assert.Equal(before, await server.CountsAsync());
        Assert.DoesNotContain(await server.Admin.ListTokensAsync(), t => t.Serial == "NEW4001");

        // signature: refused before the nonce is consumed, so the nonce still works afterwards.
        KagiApiClient client = server.NewClient();
        NonceResponse nonce = await client.GetNonceAsync(token.Serial);
        RowCounts withNonce = await server.CountsAsync();
        foreach (string signature in new[] { "not base64!", string.Empty, "%%%", Convert.ToBase64String(RandomNumberGenerator.GetBytes(1025)) })
        {
            var request = new TokenAuthenticationRequest(token.Serial, token.Manufacturer, token.Model, nonce.Nonce, signature);
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/authenticate", request), HttpStatusCode.BadRequest, "validation-failed", "signature " + Show(signature));
        }

        foreach (var request in new[]
        {
            new TokenAuthenticationRequest(token.Serial, token.Manufacturer, token.Model, string.Empty, Convert.ToBase64String(new byte[64])),
            new TokenAuthenticationRequest(token.Serial, token.Manufacturer, token.Model, new string('n', 129), Convert.ToBase64String(new byte[64])),
            new TokenAuthenticationRequest("bad serial", token.Manufacturer, token.Model, nonce.Nonce, Convert.ToBase64String(new byte[64])),
        })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/authenticate", request), HttpStatusCode.BadRequest, "validation-failed", request.ToString());
        }

        Assert.Equal(withNonce, await server.CountsAsync());
        byte[] good64 = token.Sign(TokenAuthentication.Digest(ApiServer.Origin, token.Serial, nonce.Nonce));
        await client.AuthenticateTokenAsync(new TokenAuthenticationRequest(token.Serial, token.Manufacturer, token.Model, nonce.Nonce, Convert.ToBase64String(good64)));

        // Storage PIN: an overlong one is refused without counting an attempt.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/storage-pin", new StoragePinRequest(new string('9', 65)), ApiServer.Bearer(client.Ticket!)), HttpStatusCode.BadRequest, "validation-failed");
        JsonElement wrong = await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/storage-pin", new StoragePinRequest("WRONG"), ApiServer.Bearer(client.Ticket!)), HttpStatusCode.BadRequest, "storage-pin-wrong");
        Assert.Equal(4, wrong.GetProperty("attemptsLeft").GetInt32());

        // csr: not base64, empty, too large; nothing issued and the order stays open.
        string verified = (await client.VerifyStoragePinAsync(enrollee.StoragePin!)).Ticket;
        RowCounts ready = await server.CountsAsync();
        foreach (string csr in new[] { "not base64!", string.Empty, "   ", Convert.ToBase64String(RandomNumberGenerator.GetBytes(65537)) })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/certificate", new CertificateSigningRequest(csr), ApiServer.Bearer(verified)), HttpStatusCode.BadRequest, "csr-malformed", "csr " + Show(csr));
        }

        foreach (string serial in new[] { string.Empty, "zz", "<script>", new string('A', 65) })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/stored", new StoredRequest(serial), ApiServer.Bearer(verified)), HttpStatusCode.BadRequest, "validation-failed", "stored " + Show(serial));
        }

        // A well-formed serial before any certificate was issued is not the issued one.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Enrollment}/stored", new StoredRequest("0A0B0C"), ApiServer.Bearer(verified)), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(ready, await server.CountsAsync());
        Assert.Equal("open", (await server.Admin.ListAssignmentsAsync()).Single().OrderState);
    }

    private static string Show(string value) =>
        value.Length > 40 ? $"{value.Length} chars" : JsonSerializer.Serialize(value);

    private static byte[] JsonBody(int size)
    {
        // {"employeeId":"aaaa…","serial":"aaaa…"} padded to exactly size bytes with one long string.
        const string Head = "{\"serial\":\"";
        const string Tail = "\"}";
        var body = new byte[size];
        Encoding.ASCII.GetBytes(Head).CopyTo(body, 0);
        body.AsSpan(Head.Length, size - Head.Length - Tail.Length).Fill((byte)'a');
        Encoding.ASCII.GetBytes(Tail).CopyTo(body, size - Tail.Length);
        return body;
    }

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A body sent without Content-Length (chunked on HTTP/1.1).</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _body;

        public UnknownLengthContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (int offset = 0; offset < _body.Length; offset += 65536)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(65536, _body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
