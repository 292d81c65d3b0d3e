using Kagi.Registry.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Kagi.Registry.Migrations;

/// <summary>
/// Migration 1: every table. Provider-agnostic: column types come from the CLR type (long → INTEGER/bigint,
/// string(n) → TEXT/varchar(n), byte[] → BLOB/bytea); times are Unix microseconds (long), enums their names.
/// </summary>
[DbContext(typeof(KagiDbContext))]
[Migration(Id)]
public sealed class InitialSchema : Migration
{
    /// <summary>The migration's id, for <c>IMigrator.Migrate(Id)</c>.</summary>
    public const string Id = "20261122000000_InitialSchema";

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        CreateUsersAndTokens(migrationBuilder);
        CreateAssignmentsAndOrders(migrationBuilder);
        CreateCertificatesAndPins(migrationBuilder);
        CreateSecurityTables(migrationBuilder);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        foreach (string table in new[]
                 {
                     "crl_states", "api_keys", "audit_entries", "nonces", "storage_pins", "issued_certificates",
                     "enrollment_orders", "assignments", "tokens", "users",
                 })
        {
            migrationBuilder.DropTable(table);
        }
    }

    private static void CreateUsersAndTokens(MigrationBuilder mb)
    {
        mb.CreateTable(
            name: "users",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                romanized_name = t.Column<string>(maxLength: Limits.Name, nullable: false),
                kanji_name = t.Column<string>(maxLength: Limits.Name, nullable: true),
                email = t.Column<string>(maxLength: Limits.Email, nullable: false),
                organization = t.Column<string>(maxLength: Limits.Name, nullable: true),
                employee_id = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                created_at = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_users", x => x.id));
        mb.CreateIndex("ux_users_employee_id", "users", "employee_id", unique: true);

        mb.CreateTable(
            name: "tokens",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                serial = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                manufacturer = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                model = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                state = t.Column<string>(maxLength: Limits.EnumName, nullable: false),
                distribution_public_key = t.Column<byte[]>(nullable: true),
                distributed_at = t.Column<long>(nullable: true),
                encrypted_so_pin = t.Column<byte[]>(nullable: true),
                encrypted_transport_pin = t.Column<byte[]>(nullable: true),
                created_at = t.Column<long>(nullable: false),
                state_changed_at = t.Column<long>(nullable: false),
                row_version = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_tokens", x => x.id));
        mb.CreateIndex("ux_tokens_serial", "tokens", "serial", unique: true);
    }

    private static void CreateAssignmentsAndOrders(MigrationBuilder mb)
    {
        mb.CreateTable(
            name: "assignments",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                token_id = t.Column<long>(nullable: false),
                user_id = t.Column<long>(nullable: false),
                state = t.Column<string>(maxLength: Limits.EnumName, nullable: false),
                created_at = t.Column<long>(nullable: false),
                activated_at = t.Column<long>(nullable: true),
                ended_at = t.Column<long>(nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_assignments", x => x.id);
                t.ForeignKey("fk_assignments_tokens", x => x.token_id, "tokens", "id", onDelete: ReferentialAction.Restrict);
                t.ForeignKey("fk_assignments_users", x => x.user_id, "users", "id", onDelete: ReferentialAction.Restrict);
            });

        // At most one open assignment per token and per user: partial unique indexes (SQLite 3.8+, PostgreSQL).
        mb.CreateIndex("ux_assignments_open_token", "assignments", "token_id", unique: true, filter: "ended_at IS NULL");
        mb.CreateIndex("ux_assignments_open_user", "assignments", "user_id", unique: true, filter: "ended_at IS NULL");
        mb.CreateIndex("ix_assignments_token_created", "assignments", ["token_id", "created_at"]);
        mb.CreateIndex("ix_assignments_user_created", "assignments", ["user_id", "created_at"]);

        mb.CreateTable(
            name: "enrollment_orders",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                assignment_id = t.Column<long>(nullable: false),
                certificate_id = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                state = t.Column<string>(maxLength: Limits.EnumName, nullable: false),
                csr_fingerprint = t.Column<string>(maxLength: Limits.HexSha256, nullable: true),
                certificate_serial = t.Column<string>(maxLength: Limits.Identifier, nullable: true),
                created_at = t.Column<long>(nullable: false),
                issued_at = t.Column<long>(nullable: true),
                stored_at = t.Column<long>(nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_enrollment_orders", x => x.id);
                t.ForeignKey("fk_enrollment_orders_assignments", x => x.assignment_id, "assignments", "id", onDelete: ReferentialAction.Restrict);
            });
        mb.CreateIndex("ux_enrollment_orders_certificate_id", "enrollment_orders", "certificate_id", unique: true);
        mb.CreateIndex("ix_enrollment_orders_assignment", "enrollment_orders", "assignment_id");
    }

    private static void CreateCertificatesAndPins(MigrationBuilder mb)
    {
        mb.CreateTable(
            name: "issued_certificates",
            columns: t => new
            {
                serial = t.Column<string>(maxLength: Limits.Identifier, nullable: false),
                order_id = t.Column<long>(nullable: true),
                issuer_ca_id = t.Column<string>(maxLength: Limits.CaId, nullable: false),
                subject_public_key_sha256 = t.Column<byte[]>(nullable: false),
                der = t.Column<byte[]>(nullable: false),
                not_before = t.Column<long>(nullable: false),
                not_after = t.Column<long>(nullable: false),
                revoked_at = t.Column<long>(nullable: true),
                revocation_reason = t.Column<int>(nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_issued_certificates", x => x.serial);
                t.ForeignKey("fk_issued_certificates_enrollment_orders", x => x.order_id, "enrollment_orders", "id", onDelete: ReferentialAction.Restrict);
            });
        mb.CreateIndex("ux_issued_certificates_spki", "issued_certificates", "subject_public_key_sha256", unique: true);
        mb.CreateIndex("ix_issued_certificates_order", "issued_certificates", "order_id");

        mb.CreateTable(
            name: "storage_pins",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                assignment_id = t.Column<long>(nullable: false),
                hash = t.Column<byte[]>(nullable: false),
                salt = t.Column<byte[]>(nullable: false),
                iterations = t.Column<int>(nullable: false),
                created_at = t.Column<long>(nullable: false),
                expires_at = t.Column<long>(nullable: false),
                failed_attempts = t.Column<int>(nullable: false),
                state = t.Column<string>(maxLength: Limits.EnumName, nullable: false),
                used_at = t.Column<long>(nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_storage_pins", x => x.id);
                t.ForeignKey("fk_storage_pins_assignments", x => x.assignment_id, "assignments", "id", onDelete: ReferentialAction.Restrict);
            });
        mb.CreateIndex("ux_storage_pins_active", "storage_pins", "assignment_id", unique: true, filter: "state = 'Active'");
        mb.CreateIndex("ix_storage_pins_assignment", "storage_pins", "assignment_id");
    }

    private static void CreateSecurityTables(MigrationBuilder mb)
    {
        mb.CreateTable(
            name: "nonces",
            columns: t => new
            {
                value = t.Column<string>(maxLength: Limits.Code, nullable: false),
                purpose = t.Column<string>(maxLength: Limits.Code, nullable: false),
                token_serial = t.Column<string>(maxLength: Limits.Identifier, nullable: true),
                created_at = t.Column<long>(nullable: false),
                expires_at = t.Column<long>(nullable: false),
                used_at = t.Column<long>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_nonces", x => x.value));

        mb.CreateTable(
            name: "audit_entries",
            columns: t => new
            {
                sequence = t.Column<long>(nullable: false),
                at = t.Column<long>(nullable: false),
                actor = t.Column<string>(maxLength: Limits.AuditText, nullable: false),
                source = t.Column<string>(maxLength: Limits.AuditText, nullable: false),
                action = t.Column<string>(maxLength: Limits.Code, nullable: false),
                subject = t.Column<string>(maxLength: Limits.AuditText, nullable: false),
                details = t.Column<string>(nullable: false),
                previous_hash = t.Column<string>(maxLength: Limits.HexSha256, nullable: false),
                hash = t.Column<string>(maxLength: Limits.HexSha256, nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_audit_entries", x => x.sequence));

        mb.CreateTable(
            name: "api_keys",
            columns: t => new
            {
                id = t.Column<long>(nullable: false).Identity(),
                name = t.Column<string>(maxLength: Limits.ApiKeyName, nullable: false),
                hash = t.Column<byte[]>(nullable: false),
                created_at = t.Column<long>(nullable: false),
                revoked_at = t.Column<long>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_api_keys", x => x.id));
        mb.CreateIndex("ux_api_keys_hash", "api_keys", "hash", unique: true);

        mb.CreateTable(
            name: "crl_states",
            columns: t => new
            {
                issuer_ca_id = t.Column<string>(maxLength: Limits.CaId, nullable: false),
                last_number = t.Column<long>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_crl_states", x => x.issuer_ca_id));
    }
}
