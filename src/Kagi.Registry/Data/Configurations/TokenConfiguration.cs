using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class TokenConfiguration : IEntityTypeConfiguration<Token>
{
    public void Configure(EntityTypeBuilder<Token> b)
    {
        b.ToTable("tokens");
        b.HasKey(t => t.Id).HasName("pk_tokens");
        b.Property(t => t.Serial).HasMaxLength(Limits.Identifier);
        b.Property(t => t.Manufacturer).HasMaxLength(Limits.Identifier);
        b.Property(t => t.Model).HasMaxLength(Limits.Identifier);
        b.Property(t => t.RowVersion).IsConcurrencyToken();
        b.HasIndex(t => t.Serial, "ux_tokens_serial").IsUnique();
    }
}
