using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class RevokedKeyConfiguration : IEntityTypeConfiguration<RevokedKey>
{
    public void Configure(EntityTypeBuilder<RevokedKey> builder)
    {
        builder.Property(k => k.Fingerprint).IsRequired().HasMaxLength(40);
        builder.HasIndex(k => k.Fingerprint).IsUnique();
        builder.Property(k => k.PublicKey).IsRequired();
        builder.Property(k => k.Label).IsRequired().HasMaxLength(255);
        builder.Property(k => k.RevokedBy).IsRequired().HasMaxLength(255);
        builder.Property(k => k.Reason).HasMaxLength(500);
    }
}
