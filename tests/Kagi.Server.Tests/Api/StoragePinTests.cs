using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kagi.Protocol;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The storage PIN through the HTTP API: wrong attempts count down and lock, a re-issued PIN replaces the old one,
/// and a PIN is used exactly once even when many requests race for it.
/// </summary>
public class StoragePinTests
{
    private const string Path = "/api/v1/enrollment/storage-pin";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Wrong_pins_count_down_then_lock_and_only_a_reissued_pin_works(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E6001", issuePin: false);
        KagiApiClient client = server.NewClient();
        string ticket = await ApiServer.AuthenticateAsync(client, token);

        // No PIN issued yet.
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest("ANYTHING1"), ApiServer.Bearer(ticket)), HttpStatusCode.Conflict, "storage-pin-not-issued");

        string first = await server.IssueStoragePinAsync(token.Serial);
        for (int left = 4; left >= 1; left--)
        {
            JsonElement wrong = await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest("WRONG" + left), ApiServer.Bearer(ticket)), HttpStatusCode.BadRequest, "storage-pin-wrong");
            Assert.Equal(left, wrong.GetProperty("attemptsLeft").GetInt32());
        }

        // The fifth wrong PIN locks it, and says so at once.
        JsonElement locked = await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest("WRONG0"), ApiServer.Bearer(ticket)), HttpStatusCode.Forbidden, "storage-pin-locked");
        Assert.Equal(0, locked.GetProperty("attemptsLeft").GetInt32());

        // Locked: the right PIN is refused too, and further attempts are not counted.
        RowCounts whenLocked = await server.CountsAsync();
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(first), ApiServer.Bearer(ticket)), HttpStatusCode.Forbidden, "storage-pin-locked");
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest("WRONG9"), ApiServer.Bearer(ticket)), HttpStatusCode.Forbidden, "storage-pin-locked");
        Assert.Equal(whenLocked, await server.CountsAsync());
        Assert.Equal((StoragePinState.Locked, 5), await PinStateAsync(server));

        // The operator re-issues: the old PIN is now just a wrong PIN (counted against the new one), the new one works.
        string second = await server.IssueStoragePinAsync(token.Serial);
        Assert.NotEqual(first, second);
        JsonElement old = await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(first), ApiServer.Bearer(ticket)), HttpStatusCode.BadRequest, "storage-pin-wrong");
        Assert.Equal(4, old.GetProperty("attemptsLeft").GetInt32());
        StoragePinResponse verified = await client.VerifyStoragePinAsync("  " + second + " ");
        Assert.Equal(token.TransportPin, verified.TransportPin);
        Assert.Equal(enrollee.Assignment!.CertificateId, (await client.GetAssignedUserAsync()).CertificateId);

        // Used once: not again, neither with the new ticket nor the old one.
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(second), ApiServer.Bearer(verified.Ticket)), HttpStatusCode.Conflict, "storage-pin-used");
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(second), ApiServer.Bearer(ticket)), HttpStatusCode.Conflict, "storage-pin-used");
        Assert.Equal((StoragePinState.Used, 1), await PinStateAsync(server));

        // A third PIN after use: the first two are both useless now.
        string third = await server.IssueStoragePinAsync(token.Serial);
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(second), ApiServer.Bearer(ticket)), HttpStatusCode.BadRequest, "storage-pin-wrong");
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(first), ApiServer.Bearer(ticket)), HttpStatusCode.BadRequest, "storage-pin-wrong");
        Assert.Equal(HttpStatusCode.OK, (await server.PostJsonAsync(Path, new StoragePinRequest(third), ApiServer.Bearer(ticket))).StatusCode);

        Assert.Equal(3, await server.QueryAsync(db => db.StoragePins.CountAsync()));
        Assert.True((await server.Admin.VerifyAuditAsync()).Ok);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Fifty_parallel_verifications_of_the_right_pin_give_exactly_one_success(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E6101");
        string ticket = await ApiServer.AuthenticateAsync(server.NewClient(), token);
        HttpClient[] clients = Enumerable.Range(0, 50).Select(_ => server.Factory.CreateClient()).ToArray();

        using var start = new ManualResetEventSlim();
        Task<HttpResponseMessage>[] requests = clients.Select(c => Task.Run(async () =>
        {
            start.Wait();
            return await server.PostJsonAsync(Path, new StoragePinRequest(enrollee.StoragePin!), ApiServer.Bearer(ticket), c);
        })).ToArray();
        start.Set();
        HttpResponseMessage[] responses = await Task.WhenAll(requests);

        HttpResponseMessage winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        StoragePinResponse verified = (await winner.Content.ReadFromJsonAsync<StoragePinResponse>(KagiApiClient.Json))!;
        Assert.Equal(token.TransportPin, verified.TransportPin);
        foreach (HttpResponseMessage loser in responses.Where(r => r != winner))
        {
            await Problem.AssertAsync(loser, HttpStatusCode.Conflict, "storage-pin-used");
        }

        Assert.Equal((StoragePinState.Used, 0), await PinStateAsync(server));
        Assert.Equal(1, await server.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == "storage-pin.verified")));
        Assert.True((await server.Admin.VerifyAuditAsync()).Ok);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Fifty_parallel_wrong_pins_count_exactly_five_attempts(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        using var token = new SoftToken();
        Enrollee enrollee = await server.PrepareAsync(token, "E6201");
        string ticket = await ApiServer.AuthenticateAsync(server.NewClient(), token);

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            server.PostJsonAsync(Path, new StoragePinRequest("WRONG" + i), ApiServer.Bearer(ticket), server.Factory.CreateClient())));

        var left = new List<int>();
        foreach (HttpResponseMessage response in responses.Where(r => r.StatusCode == HttpStatusCode.BadRequest))
        {
            left.Add((await Problem.AssertAsync(response, HttpStatusCode.BadRequest, "storage-pin-wrong")).GetProperty("attemptsLeft").GetInt32());
        }

        Assert.Equal([1, 2, 3, 4], left.Order());
        foreach (HttpResponseMessage response in responses.Where(r => r.StatusCode != HttpStatusCode.BadRequest))
        {
            await Problem.AssertAsync(response, HttpStatusCode.Forbidden, "storage-pin-locked");
        }

        Assert.Equal((StoragePinState.Locked, 5), await PinStateAsync(server));
        Assert.Equal(5, await server.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == "storage-pin.wrong")));
        await Problem.AssertAsync(await server.PostJsonAsync(Path, new StoragePinRequest(enrollee.StoragePin!), ApiServer.Bearer(ticket)), HttpStatusCode.Forbidden, "storage-pin-locked");
    }

    private static Task<(StoragePinState State, int FailedAttempts)> PinStateAsync(ApiServer server) =>
        server.QueryAsync(async db =>
        {
            StoragePin pin = await db.StoragePins.OrderByDescending(p => p.Id).FirstAsync();
            return (pin.State, pin.FailedAttempts);
        });
}
