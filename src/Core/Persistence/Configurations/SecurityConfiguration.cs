using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Name).IsRequired().HasMaxLength(100);
        builder.Property(t => t.SecretHash).IsRequired().HasMaxLength(64);
        builder.HasIndex(t => t.SecretHash).IsUnique();
        builder.Property(t => t.Prefix).IsRequired().HasMaxLength(16);
        builder.Property(t => t.CreatedBy).IsRequired().HasMaxLength(255);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.Name).IsRequired().HasMaxLength(100).UseCollation("NOCASE");
        builder.HasIndex(u => u.Name).IsUnique();
        builder.Property(u => u.PasswordHash).IsRequired();
        builder.Property(u => u.SecurityStamp).IsRequired().HasMaxLength(64);
    }
}
