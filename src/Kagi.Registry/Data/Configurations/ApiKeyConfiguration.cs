using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => k.Id).HasName("pk_api_keys");
        b.Property(k => k.Name).HasMaxLength(Limits.ApiKeyName);
        b.HasIndex(k => k.Hash, "ux_api_keys_hash").IsUnique();
    }
}
