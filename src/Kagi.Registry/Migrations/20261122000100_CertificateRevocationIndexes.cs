using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Kagi.Registry.Migrations;

/// <summary>
/// Migration 2: indexes for CRL generation (revoked certificates of one issuing CA) and for purging expired nonces.
/// </summary>
[DbContext(typeof(KagiDbContext))]
[Migration(Id)]
public sealed class CertificateRevocationIndexes : Migration
{
    /// <summary>The migration's id, for <c>IMigrator.Migrate(Id)</c>.</summary>
    public const string Id = "20261122000100_CertificateRevocationIndexes";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateIndex("ix_issued_certificates_issuer_revoked", "issued_certificates", ["issuer_ca_id", "revoked_at"]);
        migrationBuilder.CreateIndex("ix_nonces_expires_at", "nonces", "expires_at");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropIndex("ix_nonces_expires_at", "nonces");
        migrationBuilder.DropIndex("ix_issued_certificates_issuer_revoked", "issued_certificates");
    }
}
