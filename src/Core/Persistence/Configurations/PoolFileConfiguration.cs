using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class PoolFileConfiguration : IEntityTypeConfiguration<PoolFile>
{
    public void Configure(EntityTypeBuilder<PoolFile> builder)
    {
        builder.Property(p => p.Path).HasMaxLength(1024);
        builder.HasIndex(p => p.Path).IsUnique();
        builder.Property(p => p.PartName).HasMaxLength(64);
        builder.Property(p => p.Checksum).HasMaxLength(64);
        builder.Property(p => p.Generator).HasMaxLength(64);
    }
}
