using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Kagi.Protocol;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The operator API refusing what it must: requests without a valid API key, duplicates, assignments and state
/// changes the token life cycle does not allow, revocations of unknown or revoked certificates. A refusal changes
/// nothing.
/// </summary>
public class AdminApiTests
{
    private const string Admin = "/api/v1/admin";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_operator_endpoint_refuses_requests_without_a_valid_api_key(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        await server.Admin.CreateUserAsync(ApiServer.User("E7001"));
        await server.Admin.CreateTokenAsync(new TokenDto("T7001", "Kagi Test", "Stock", "inStock", false));
        RowCounts before = await server.CountsAsync();

        (HttpMethod Method, string Path, HttpContent? Body)[] endpoints =
        [
            (HttpMethod.Post, $"{Admin}/users", ApiServer.Json(JsonSerializer.Serialize(ApiServer.User("E7002"), KagiApiClient.Json))),
            (HttpMethod.Post, $"{Admin}/users/import", new StringContent("romanized_name,email,employee_id\nA B,a@example.jp,E7003\n")),
            (HttpMethod.Post, $"{Admin}/tokens", ApiServer.Json("{\"serial\":\"T7002\",\"manufacturer\":\"M\",\"model\":\"M\"}")),
            (HttpMethod.Get, $"{Admin}/tokens", null),
            (HttpMethod.Post, $"{Admin}/tokens/import", new StringContent("serial,manufacturer,model\nT7003,M,M\n")),
            (HttpMethod.Post, $"{Admin}/tokens/T7001/assignment", ApiServer.Json("{\"employeeId\":\"E7001\"}")),
            (HttpMethod.Post, $"{Admin}/tokens/T7001/distribution", ApiServer.Json("{}")),
            (HttpMethod.Post, $"{Admin}/tokens/T7001/storage-pin", null),
            (HttpMethod.Post, $"{Admin}/tokens/T7001/state", ApiServer.Json("{\"state\":\"damaged\"}")),
            (HttpMethod.Get, $"{Admin}/assignments", null),
            (HttpMethod.Post, $"{Admin}/certificates/0A/revocation", ApiServer.Json("{\"reason\":\"keyCompromise\"}")),
            (HttpMethod.Get, $"{Admin}/audit/verification", null),
        ];

        // A key of the right shape that the server never issued, the real key in the wrong scheme or mangled, …
        string key = server.ApiKey;
        string[] refused =
        [
            string.Empty,
            "ApiKey",
            "ApiKey ",
            "ApiKey wrong",
            "ApiKey " + key[..^1],
            "ApiKey " + key + "x",
            "ApiKey " + key.ToUpperInvariant(),
            "ApiKey " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            "Bearer " + key,
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + key)),
            key,
            "ApiKey " + new string('k', 5000),
        ];
        int cases = 0;
        foreach (var (method, path, body) in endpoints)
        {
            byte[]? content = body is null ? null : await body.ReadAsByteArrayAsync();
            MediaTypeHeaderValue? type = body?.Headers.ContentType;
            foreach (string header in refused)
            {
                using var request = new HttpRequestMessage(method, path);
                if (content is not null)
                {
                    request.Content = new ByteArrayContent(content);
                    request.Content.Headers.ContentType = type;
                }

                if (header.Length > 0)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", header);
                }

                string because = $"{method} {path} with \"{(header.Length > 40 ? header[..40] : header)}\"";
                await Problem.AssertAsync(await server.Http.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized", because);
                cases++;
            }
        }

        Assert.Equal(endpoints.Length * refused.Length, cases);

        // The key is checked before the body is read: a malformed or oversized body without a key is still 401.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/users", "{"), HttpStatusCode.Unauthorized, "unauthorized");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/users", "null", new AuthenticationHeaderValue("ApiKey", "wrong")), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await server.CountsAsync());
        Assert.Equal("inStock", (await server.Admin.ListTokensAsync()).Single().State);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Duplicates_and_assignments_the_life_cycle_does_not_allow_are_409_and_change_nothing(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        foreach (string id in new[] { "E7101", "E7102", "E7103" })
        {
            await server.Admin.CreateUserAsync(ApiServer.User(id));
        }

        foreach (string serial in new[] { "T7101", "T7102", "T7103" })
        {
            await server.Admin.CreateTokenAsync(new TokenDto(serial, "Kagi Test", "Stock", "inStock", false));
        }

        RowCounts registered = await server.CountsAsync();

        // Duplicates (also after trimming): 409 conflict.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/users", ApiServer.User("E7101") with { RomanizedName = "Someone Else" }, server.AdminAuth), HttpStatusCode.Conflict, "conflict");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/users", ApiServer.User("E7101") with { EmployeeId = " E7101 " }, server.AdminAuth), HttpStatusCode.Conflict, "conflict");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens", new TokenDto("T7101", "Other", "Other", "inStock", false), server.AdminAuth), HttpStatusCode.Conflict, "conflict");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens", new TokenDto(" T7101", "Kagi Test", "Stock", "active", true), server.AdminAuth), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(registered, await server.CountsAsync());

        // Parallel registrations of one new user: one wins.
        HttpResponseMessage[] race = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            server.PostJsonAsync($"{Admin}/users", ApiServer.User("E7199"), server.AdminAuth, server.Factory.CreateClient())));
        Assert.Single(race, r => r.StatusCode == HttpStatusCode.Created);
        foreach (HttpResponseMessage lost in race.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await Problem.AssertAsync(lost, HttpStatusCode.Conflict, "conflict", "raced registration");
        }

        AssignmentDto assignment = await server.Admin.AssignAsync("T7101", "E7101");
        RowCounts assigned = await server.CountsAsync();
        string inventory = await server.InventoryAsync();

        // The same token again, to the same or another user: it is not in stock any more.
        JsonElement twice = await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7101/assignment", new AssignRequest("E7101"), server.AdminAuth), HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Equal("tokenNotInStock", twice.GetProperty("reason").GetString());
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7101/assignment", new AssignRequest("E7102"), server.AdminAuth), HttpStatusCode.Conflict, "invalid-state-transition");

        // A user holds one token at a time.
        JsonElement second = await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7102/assignment", new AssignRequest("E7101"), server.AdminAuth), HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.Equal("userHasOpenAssignment", second.GetProperty("reason").GetString());

        // A token that is not in stock (damaged) cannot be assigned.
        await server.Admin.SetTokenStateAsync("T7103", "damaged");
        inventory = await server.InventoryAsync();
        assigned = await server.CountsAsync();
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7103/assignment", new AssignRequest("E7103"), server.AdminAuth), HttpStatusCode.Conflict, "invalid-state-transition");

        // Unknown token or user: 404.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7199/assignment", new AssignRequest("E7102"), server.AdminAuth), HttpStatusCode.NotFound, "unknown-token");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7102/assignment", new AssignRequest("E7198"), server.AdminAuth), HttpStatusCode.NotFound, "not-found");

        // Parallel assignment of one token to different users: one wins.
        HttpResponseMessage[] assignRace = await Task.WhenAll(new[] { "E7102", "E7103", "E7199" }.Select(id =>
            server.PostJsonAsync($"{Admin}/tokens/T7102/assignment", new AssignRequest(id), server.AdminAuth, server.Factory.CreateClient())));
        Assert.Single(assignRace, r => r.StatusCode == HttpStatusCode.OK);
        foreach (HttpResponseMessage lost in assignRace.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await Problem.AssertAsync(lost, HttpStatusCode.Conflict, "invalid-state-transition", "raced assignment");
        }

        Assert.Equal(assigned with { Assignments = assigned.Assignments + 1, Orders = assigned.Orders + 1, AuditEntries = assigned.AuditEntries + 1 }, await server.CountsAsync());
        Assert.Equal(assignment.CertificateId, (await server.Admin.ListAssignmentsAsync()).Single(a => a.Serial == "T7101").CertificateId);
        Assert.Contains("\"T7103\"", inventory, StringComparison.Ordinal);

        // A storage PIN needs an open assignment.
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/tokens/T7103/storage-pin", auth: server.AdminAuth), HttpStatusCode.NotFound, "no-assignment");
        await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, $"{Admin}/tokens/T7199/storage-pin", auth: server.AdminAuth), HttpStatusCode.NotFound, "unknown-token");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task State_changes_outside_the_life_cycle_are_409_and_change_nothing(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        await server.PrepareAsync(token, "E7201", issuePin: false);
        await server.Admin.CreateTokenAsync(new TokenDto("T7202", "Kagi Test", "Stock", "inStock", false));

        async Task Refused(string serial, string to, string from)
        {
            RowCounts before = await server.CountsAsync();
            string inventory = await server.InventoryAsync();
            JsonElement problem = await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/{serial}/state", new TokenStateRequest(to), server.AdminAuth),
                HttpStatusCode.Conflict, "invalid-state-transition", $"{serial} {from} → {to}");
            Assert.Equal(from, problem.GetProperty("from").GetString());
            Assert.Equal(before, await server.CountsAsync());
            Assert.Equal(inventory, await server.InventoryAsync());
        }

        // In stock: only to damaged by request (assigned only by assigning).
        foreach (string to in new[] { "active", "assigned", "suspended", "lost", "terminated", "inStock" })
        {
            await Refused("T7202", to, "inStock");
        }

        // Assigned: active only by storing a certificate; not suspended.
        await Refused(token.Serial, "active", "assigned");
        await Refused(token.Serial, "suspended", "assigned");
        await Refused(token.Serial, "assigned", "assigned");

        // Names only: numbers, unknown names and nothing are 400.
        foreach (string state in new[] { "1", "7", "-1", "bogus", "in stock", "ACTIVE1", string.Empty })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7202/state", new TokenStateRequest(state), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", state);
        }

        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/T7299/state", new TokenStateRequest("damaged"), server.AdminAuth), HttpStatusCode.NotFound, "unknown-token");

        // Allowed moves go through, and then the next disallowed ones are refused.
        Assert.Equal("damaged", (await server.Admin.SetTokenStateAsync("T7202", "Damaged")).State);
        await Refused("T7202", "inStock", "damaged");
        await Refused("T7202", "active", "damaged");
        Assert.Equal("terminated", (await server.Admin.SetTokenStateAsync("T7202", "terminated")).State);
        await Refused("T7202", "active", "terminated");
        Assert.Equal("inStock", (await server.Admin.SetTokenStateAsync("T7202", "inStock")).State);

        // A token that was distributed and returned to stock has no distribution key any more.
        Assert.Equal("lost", (await server.Admin.SetTokenStateAsync(token.Serial, "lost")).State);
        await Refused(token.Serial, "active", "lost");
        await Refused(token.Serial, "inStock", "lost");
        Assert.DoesNotContain(await server.Admin.ListAssignmentsAsync(), a => a.State != "ended");

        // A lost token cannot be distributed again before it went back to stock.
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/tokens/{token.Serial}/distribution",
            new DistributionRequest(token.Manufacturer, token.Model, Convert.ToBase64String(token.DistributionPublicKey), token.SoPin, token.TransportPin), server.AdminAuth),
            HttpStatusCode.Conflict, "invalid-state-transition");
        Assert.True((await server.Admin.VerifyAuditAsync()).Ok);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Revoking_an_unknown_certificate_is_404_and_revoking_twice_is_409(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E7301");
        KagiApiClient client = server.NewClient();
        await ApiServer.VerifiedTicketAsync(client, enrollee);
        IssuedCertificateResponse issued = await client.RequestCertificateAsync(Csrs.Ec(ECCurve.NamedCurves.nistP256));
        RowCounts before = await server.CountsAsync();

        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/certificates/0A0B0C0D/revocation", new RevokeRequest("keyCompromise"), server.AdminAuth), HttpStatusCode.NotFound, "not-found");
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/certificates/{issued.SerialNumber}00/revocation", new RevokeRequest("keyCompromise"), server.AdminAuth), HttpStatusCode.NotFound, "not-found");
        foreach (string reason in new[] { "removeFromCrl", "1", "8", "bogus", string.Empty })
        {
            await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/certificates/{issued.SerialNumber}/revocation", new RevokeRequest(reason), server.AdminAuth), HttpStatusCode.BadRequest, "validation-failed", reason);
        }

        Assert.Equal(before, await server.CountsAsync());

        // Lower case and colons name the same certificate.
        string colons = string.Join(':', issued.SerialNumber.ToLowerInvariant().Chunk(2).Select(c => new string(c)));
        using (HttpResponseMessage revoked = await server.PostJsonAsync($"{Admin}/certificates/{colons}/revocation", new RevokeRequest("keyCompromise"), server.AdminAuth))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        RowCounts after = await server.CountsAsync();
        Assert.Equal(before.AuditEntries + 1, after.AuditEntries);
        await Problem.AssertAsync(await server.PostJsonAsync($"{Admin}/certificates/{issued.SerialNumber}/revocation", new RevokeRequest("superseded"), server.AdminAuth), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(after, await server.CountsAsync());
    }
}
