using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class DownloadCountConfiguration : IEntityTypeConfiguration<DownloadCount>
{
    public void Configure(EntityTypeBuilder<DownloadCount> builder)
    {
        builder.ToTable("DownloadCounts");
        builder.HasKey(d => new { d.Channel, d.HourStart, d.Device, d.Version, d.Kind });
        builder.Property(d => d.Channel).HasMaxLength(255);
        builder.Property(d => d.Device).HasMaxLength(255);
    }
}
