using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kagi.Registry.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id).HasName("pk_users");
        b.Property(u => u.RomanizedName).HasMaxLength(Limits.Name);
        b.Property(u => u.KanjiName).HasMaxLength(Limits.Name);
        b.Property(u => u.Email).HasMaxLength(Limits.Email);
        b.Property(u => u.Organization).HasMaxLength(Limits.Name);
        b.Property(u => u.EmployeeId).HasMaxLength(Limits.Identifier);
        b.HasIndex(u => u.EmployeeId, "ux_users_employee_id").IsUnique();
    }
}
