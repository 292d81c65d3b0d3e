using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class IssuingAuthorityConfiguration : IEntityTypeConfiguration<IssuingAuthority>
{
    public void Configure(EntityTypeBuilder<IssuingAuthority> b)
    {
        // Migration 3 (IssuingAuthorities).
        b.ToTable("issuing_authorities");
        b.HasKey(a => a.IssuerId).HasName("pk_issuing_authorities");
        b.Property(a => a.IssuerId).HasMaxLength(Limits.CaId);
        b.Property(a => a.KeyReference).HasMaxLength(Limits.CaId);
        b.HasIndex(a => a.Generation, "ux_issuing_authorities_generation").IsUnique();
    }
}
