using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class ImageFileConfiguration : IEntityTypeConfiguration<ImageFile>
{
    public void Configure(EntityTypeBuilder<ImageFile> builder)
    {
        builder.Property(f => f.PartName).HasMaxLength(64);
        builder.Property(f => f.Path).HasMaxLength(1024);
        builder.Property(f => f.Signature).HasMaxLength(1024);
        builder.Property(f => f.Checksum).HasMaxLength(64);
        builder.HasIndex(f => f.Path);
    }
}
