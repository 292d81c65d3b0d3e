using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Kagi.Registry.Migrations;

/// <summary>
/// Migration 3: the issuing CAs (for CA rollover), shared by the server instances on one database; see
/// <see cref="Entities.IssuingAuthority"/>.
/// </summary>
[DbContext(typeof(KagiDbContext))]
[Migration(Id)]
public sealed class IssuingAuthorities : Migration
{
    /// <summary>The migration's id, for <c>IMigrator.Migrate(Id)</c>.</summary>
    public const string Id = "20261122000200_IssuingAuthorities";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateTable(
            name: "issuing_authorities",
            columns: t => new
            {
                issuer_id = t.Column<string>(maxLength: Limits.CaId, nullable: false),
                generation = t.Column<int>(nullable: false),
                certificate = t.Column<byte[]>(nullable: false),
                key_reference = t.Column<string>(maxLength: Limits.CaId, nullable: false),
                not_after = t.Column<long>(nullable: false),
                created_at = t.Column<long>(nullable: false),
                retired_at = t.Column<long>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_issuing_authorities", x => x.issuer_id));
        migrationBuilder.CreateIndex("ux_issuing_authorities_generation", "issuing_authorities", "generation", unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("issuing_authorities");
    }
}
