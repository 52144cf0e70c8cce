using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class RetiredKeyConfiguration : IEntityTypeConfiguration<RetiredKey>
{
    public void Configure(EntityTypeBuilder<RetiredKey> builder)
    {
        builder.Property(k => k.Name).IsRequired().HasMaxLength(64);
        builder.Property(k => k.Fingerprint).IsRequired().HasMaxLength(40);
        builder.HasIndex(k => k.Fingerprint).IsUnique();
        builder.Property(k => k.PublicKey).IsRequired();
    }
}
