using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class NonceConfiguration : IEntityTypeConfiguration<Nonce>
{
    public void Configure(EntityTypeBuilder<Nonce> b)
    {
        b.ToTable("nonces");
        b.HasKey(n => n.Value).HasName("pk_nonces");
        b.Property(n => n.Value).HasMaxLength(Limits.Code);
        b.Property(n => n.Purpose).HasMaxLength(Limits.Code);
        b.Property(n => n.TokenSerial).HasMaxLength(Limits.Identifier);

        // Migration 2 (CertificateRevocationIndexes): purging expired nonces.
        b.HasIndex(n => n.ExpiresAt, "ix_nonces_expires_at");
    }
}
