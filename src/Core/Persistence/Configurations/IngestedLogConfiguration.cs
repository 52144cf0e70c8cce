using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class IngestedLogConfiguration : IEntityTypeConfiguration<IngestedLog>
{
    public void Configure(EntityTypeBuilder<IngestedLog> builder)
    {
        builder.Property(l => l.FirstLineHash).HasMaxLength(64);
        builder.HasIndex(l => l.FirstLineHash).IsUnique();
        builder.Property(l => l.LastLineHash).HasMaxLength(64);
        builder.Property(l => l.FileName).HasMaxLength(1024);
    }
}
