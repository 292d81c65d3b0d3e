using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class StoragePinConfiguration : IEntityTypeConfiguration<StoragePin>
{
    /// <summary>The filter of the "one active PIN per assignment" index; valid SQL on SQLite and PostgreSQL.</summary>
    internal const string ActiveFilter = "state = 'Active'";

    public void Configure(EntityTypeBuilder<StoragePin> b)
    {
        b.ToTable("storage_pins");
        b.HasKey(p => p.Id).HasName("pk_storage_pins");
        b.HasOne<Assignment>().WithMany().HasForeignKey(p => p.AssignmentId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_storage_pins_assignments");
        b.HasIndex(p => p.AssignmentId, "ux_storage_pins_active").IsUnique().HasFilter(ActiveFilter);
        b.HasIndex(p => p.AssignmentId, "ix_storage_pins_assignment");
    }
}
