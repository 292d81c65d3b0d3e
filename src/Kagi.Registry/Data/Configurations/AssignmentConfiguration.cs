using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<Assignment>
{
    /// <summary>The filter of the "open assignment" indexes; valid SQL on SQLite and PostgreSQL.</summary>
    internal const string OpenFilter = "ended_at IS NULL";

    public void Configure(EntityTypeBuilder<Assignment> b)
    {
        b.ToTable("assignments");
        b.HasKey(a => a.Id).HasName("pk_assignments");
        b.HasOne<Token>().WithMany().HasForeignKey(a => a.TokenId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_assignments_tokens");
        b.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_assignments_users");

        // At most one open assignment per token and per user. Partial indexes exist on both engines.
        b.HasIndex(a => a.TokenId, "ux_assignments_open_token").IsUnique().HasFilter(OpenFilter);
        b.HasIndex(a => a.UserId, "ux_assignments_open_user").IsUnique().HasFilter(OpenFilter);
        b.HasIndex(a => new { a.TokenId, a.CreatedAt }, "ix_assignments_token_created");
        b.HasIndex(a => new { a.UserId, a.CreatedAt }, "ix_assignments_user_created");
    }
}
