using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Sequence).HasName("pk_audit_entries");
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(Limits.AuditText);
        b.Property(e => e.Source).HasMaxLength(Limits.AuditText);
        b.Property(e => e.Action).HasMaxLength(Limits.Code);
        b.Property(e => e.Subject).HasMaxLength(Limits.AuditText);
        b.Property(e => e.PreviousHash).HasMaxLength(Limits.HexSha256);
        b.Property(e => e.Hash).HasMaxLength(Limits.HexSha256);
    }
}
