using System.Security.Cryptography;
using System.Text;
using Kagi.Registry.ApiKeys;
using Kagi.Registry.Audit;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.ApiKeys;

public abstract class ApiKeyTests(TestDatabase database)
{
    [Fact]
    public async Task Key_is_returned_once_stored_as_sha256_and_verifies()
    {
        await using var r = database.Open();
        CreatedApiKey created = await r.ApiKeys.CreateAsync("ra-batch", Services.Operator);

        Assert.Matches("^kagi_[A-Za-z0-9_-]{43}$", created.Key);
        Assert.DoesNotContain(created.Key, created.ToString(), StringComparison.Ordinal);
        var stored = await r.Db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Id);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Key)), stored.Hash);
        Assert.Equal(new ApiKeyVerification(ApiKeyStatus.Valid, created.Id, "ra-batch"), await r.ApiKeys.VerifyAsync(created.Key));
        Assert.True(await r.Db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ApiKeyCreated && e.Subject == "api-key:" + created.Id));
    }

    [Fact]
    public async Task Unknown_and_malformed_keys_are_unknown()
    {
        await using var r = database.Open();
        CreatedApiKey created = await r.ApiKeys.CreateAsync("k", Services.Operator);
        char last = created.Key[^1] == 'A' ? 'B' : 'A';
        Assert.Equal(ApiKeyStatus.Unknown, (await r.ApiKeys.VerifyAsync(created.Key[..^1] + last)).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await r.ApiKeys.VerifyAsync(null)).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await r.ApiKeys.VerifyAsync("kagi_short")).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await r.ApiKeys.VerifyAsync("xxxx" + created.Key[4..])).Status);
    }

    [Fact]
    public async Task Revoked_key_is_refused_and_revoking_twice_says_so()
    {
        await using var r = database.Open();
        CreatedApiKey created = await r.ApiKeys.CreateAsync("temp", Services.Operator);

        Assert.Equal(ApiKeyRevocation.Revoked, await r.ApiKeys.RevokeAsync(created.Id, Services.Operator));
        Assert.Equal(ApiKeyStatus.Revoked, (await r.ApiKeys.VerifyAsync(created.Key)).Status);
        Assert.Equal(ApiKeyRevocation.AlreadyRevoked, await r.ApiKeys.RevokeAsync(created.Id, Services.Operator));
        Assert.Equal(ApiKeyRevocation.NotFound, await r.ApiKeys.RevokeAsync(long.MaxValue, Services.Operator));
        Assert.Equal(1, await r.Db.AuditEntries.CountAsync(e => e.Action == AuditActions.ApiKeyRevoked && e.Subject == "api-key:" + created.Id));
    }

    [Fact]
    public async Task Names_are_checked()
    {
        await using var r = database.Open();
        await Assert.ThrowsAsync<ArgumentException>(() => r.ApiKeys.CreateAsync(" ", Services.Operator));
        await Assert.ThrowsAsync<ArgumentException>(() => r.ApiKeys.CreateAsync(new string('n', 101), Services.Operator));
    }
}

public sealed class SqliteApiKeyTests(SqliteDatabase database) : ApiKeyTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresApiKeyTests(PostgresDatabase database) : ApiKeyTests(database), IClassFixture<PostgresDatabase>;
