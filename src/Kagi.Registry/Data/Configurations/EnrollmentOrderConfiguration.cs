using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class EnrollmentOrderConfiguration : IEntityTypeConfiguration<EnrollmentOrder>
{
    public void Configure(EntityTypeBuilder<EnrollmentOrder> b)
    {
        b.ToTable("enrollment_orders");
        b.HasKey(o => o.Id).HasName("pk_enrollment_orders");
        b.Property(o => o.CertificateId).HasMaxLength(Limits.Identifier);
        b.Property(o => o.CsrFingerprint).HasMaxLength(Limits.HexSha256);
        b.Property(o => o.CertificateSerial).HasMaxLength(Limits.Identifier);
        b.HasOne<Assignment>().WithMany().HasForeignKey(o => o.AssignmentId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_enrollment_orders_assignments");
        b.HasIndex(o => o.CertificateId, "ux_enrollment_orders_certificate_id").IsUnique();
        b.HasIndex(o => o.AssignmentId, "ix_enrollment_orders_assignment");
    }
}
