using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class CrlStateConfiguration : IEntityTypeConfiguration<CrlState>
{
    public void Configure(EntityTypeBuilder<CrlState> b)
    {
        b.ToTable("crl_states");
        b.HasKey(c => c.IssuerCaId).HasName("pk_crl_states");
        b.Property(c => c.IssuerCaId).HasMaxLength(Limits.CaId);
    }
}
