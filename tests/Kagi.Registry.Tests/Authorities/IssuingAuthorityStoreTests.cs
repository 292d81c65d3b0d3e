using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Authorities;
using Kagi.Registry.Entities;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Authorities;

public abstract class IssuingAuthorityStoreTests(TestDatabase database)
{
    [Fact]
    public async Task First_ca_is_recorded_once_and_a_rollover_from_a_stale_generation_changes_nothing()
    {
        await using TestDatabase fresh = await database.CreateSiblingAsync();
        await using var r = fresh.Open();
        var store = new IssuingAuthorityStore(r.Db, r.Audit, r.Time);
        byte[] certificate = Keys.NewCertificate();

        Assert.Equal(0, await store.ActiveGenerationAsync());
        Assert.True(await store.RecordFirstAsync("AA01", certificate, "issuing.key.pem", r.Time.GetUtcNow().AddYears(5)));
        // A second instance starting later records nothing.
        Assert.False(await store.RecordFirstAsync("BB02", certificate, "other.key.pem", r.Time.GetUtcNow().AddYears(5)));
        Assert.Equal(1, await store.ActiveGenerationAsync());

        r.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(AuthorityAddCode.Added, await store.AddActiveAsync("CC03", certificate, "issuing-2.key.pem", r.Time.GetUtcNow().AddYears(5), 1, Services.Operator, new JsonObject { ["subject"] = "CN=G2" }));
        // Another instance that still saw generation 1 loses: nothing is written, nothing audited.
        int audited = await r.Db.AuditEntries.CountAsync();
        Assert.Equal(AuthorityAddCode.Conflict, await store.AddActiveAsync("DD04", certificate, "issuing-x.key.pem", r.Time.GetUtcNow().AddYears(5), 1, Services.Operator, new JsonObject()));
        Assert.Equal(audited, await r.Db.AuditEntries.CountAsync());

        IReadOnlyList<IssuingAuthority> all = await store.ListAsync();
        Assert.Equal([("CC03", 2, (DateTimeOffset?)null), ("AA01", 1, r.Time.GetUtcNow())], all.Select(a => (a.IssuerId, a.Generation, a.RetiredAt)));
        Assert.Equal(2, await store.ActiveGenerationAsync());
        AuditEntry entry = await r.Db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AuditActions.CaRolledOver);
        Assert.Equal("ca:CC03", entry.Subject);
        Assert.Contains("\"previousIssuerId\":\"AA01\"", entry.Details, StringComparison.Ordinal);
        Assert.True((await r.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Last_certificate_not_after_is_the_latest_of_the_issuers_certificates()
    {
        await using var r = database.Open();
        var store = new IssuingAuthorityStore(r.Db, r.Audit, r.Time);
        string issuer = Seed.Unique("CA");
        Assert.Null(await store.LastIssuedNotAfterAsync(issuer));
        DateTimeOffset now = r.Time.GetUtcNow();
        foreach (int days in new[] { 30, 400, 10 })
        {
            byte[] der = Keys.NewCertificate(out byte[] spki);
            r.Db.IssuedCertificates.Add(new IssuedCertificate
            {
                Serial = Keys.SerialOf(der), IssuerCaId = issuer, SubjectPublicKeySha256 = System.Security.Cryptography.SHA256.HashData(spki), Der = der,
                NotBefore = now, NotAfter = now.AddDays(days),
            });
        }

        await r.Db.SaveChangesAsync();
        Assert.Equal(now.AddDays(400), await store.LastIssuedNotAfterAsync(issuer));
    }
}

public sealed class SqliteIssuingAuthorityStoreTests(SqliteDatabase database) : IssuingAuthorityStoreTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresIssuingAuthorityStoreTests(PostgresDatabase database) : IssuingAuthorityStoreTests(database), IClassFixture<PostgresDatabase>;
