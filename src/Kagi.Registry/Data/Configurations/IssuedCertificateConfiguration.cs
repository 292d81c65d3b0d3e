using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificate>
{
    public void Configure(EntityTypeBuilder<IssuedCertificate> b)
    {
        b.ToTable("issued_certificates");
        b.HasKey(c => c.Serial).HasName("pk_issued_certificates");
        b.Property(c => c.Serial).HasMaxLength(Limits.Identifier);
        b.Property(c => c.IssuerCaId).HasMaxLength(Limits.CaId);
        b.HasOne<EnrollmentOrder>().WithMany().HasForeignKey(c => c.OrderId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_issued_certificates_enrollment_orders");
        b.HasIndex(c => c.SubjectPublicKeySha256, "ux_issued_certificates_spki").IsUnique();
        b.HasIndex(c => c.OrderId, "ix_issued_certificates_order");

        // Migration 2 (CertificateRevocationIndexes): CRL generation reads the revoked certificates of one CA.
        b.HasIndex(c => new { c.IssuerCaId, c.RevokedAt }, "ix_issued_certificates_issuer_revoked");
    }
}
