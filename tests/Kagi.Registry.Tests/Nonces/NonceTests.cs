using Kagi.Registry.Nonces;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Nonces;

public abstract class NonceTests(TestDatabase database)
{
    [Fact]
    public async Task Nonce_is_32_random_bytes_base64url_valid_for_5_minutes_and_consumed_once()
    {
        await using var r = database.Open();
        IssuedNonce nonce = await r.Nonces.IssueAsync(NoncePurposes.TokenAuthentication, "T-1");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", nonce.Value);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(nonce.Value).Length);
        Assert.Equal(r.Time.GetUtcNow().AddMinutes(5), nonce.ExpiresAt);
        Assert.Equal(NonceOutcome.Consumed, await r.Nonces.ConsumeAsync(nonce.Value, NoncePurposes.TokenAuthentication, "T-1"));
        Assert.Equal(NonceOutcome.AlreadyUsed, await r.Nonces.ConsumeAsync(nonce.Value, NoncePurposes.TokenAuthentication, "T-1"));
    }

    [Fact]
    public async Task Nonce_must_match_purpose_and_token()
    {
        await using var r = database.Open();
        IssuedNonce bound = await r.Nonces.IssueAsync(NoncePurposes.TokenAuthentication, "T-1");
        IssuedNonce unbound = await r.Nonces.IssueAsync("other-purpose");

        Assert.Equal(NonceOutcome.NotFound, await r.Nonces.ConsumeAsync(bound.Value, "other-purpose", "T-1"));
        Assert.Equal(NonceOutcome.NotFound, await r.Nonces.ConsumeAsync(bound.Value, NoncePurposes.TokenAuthentication, "T-2"));
        Assert.Equal(NonceOutcome.NotFound, await r.Nonces.ConsumeAsync(bound.Value, NoncePurposes.TokenAuthentication));
        Assert.Equal(NonceOutcome.NotFound, await r.Nonces.ConsumeAsync("unknown", NoncePurposes.TokenAuthentication, "T-1"));
        Assert.Equal(NonceOutcome.NotFound, await r.Nonces.ConsumeAsync(unbound.Value, "other-purpose", "T-1"));
        Assert.Equal(NonceOutcome.Consumed, await r.Nonces.ConsumeAsync(unbound.Value, "other-purpose"));
        Assert.Equal(NonceOutcome.Consumed, await r.Nonces.ConsumeAsync(bound.Value, NoncePurposes.TokenAuthentication, "T-1"));
    }

    [Fact]
    public async Task Nonce_expires_and_expired_nonces_are_purged()
    {
        await using var r = database.Open();
        IssuedNonce nonce = await r.Nonces.IssueAsync(NoncePurposes.TokenAuthentication, "T-1");
        r.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(NonceOutcome.Expired, await r.Nonces.ConsumeAsync(nonce.Value, NoncePurposes.TokenAuthentication, "T-1"));
        Assert.True(await r.Nonces.PurgeExpiredAsync() >= 1);
        Assert.False(await r.Db.Nonces.AnyAsync(n => n.Value == nonce.Value));
    }

    [Fact]
    public async Task Fifty_parallel_consumers_of_one_nonce_give_exactly_one_consumed()
    {
        string value;
        await using (var r = database.Open())
        {
            value = (await r.Nonces.IssueAsync(NoncePurposes.TokenAuthentication, "T-9")).Value;
        }

        NonceOutcome[] outcomes = await Infrastructure.Parallel.RunAsync(50, async () =>
        {
            await using var r = database.Open();
            return await r.Nonces.ConsumeAsync(value, NoncePurposes.TokenAuthentication, "T-9");
        });

        Assert.Single(outcomes, o => o == NonceOutcome.Consumed);
        Assert.All(outcomes.Where(o => o != NonceOutcome.Consumed), o => Assert.Equal(NonceOutcome.AlreadyUsed, o));
    }
}

public sealed class SqliteNonceTests(SqliteDatabase database) : NonceTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresNonceTests(PostgresDatabase database) : NonceTests(database), IClassFixture<PostgresDatabase>;
