using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> builder)
    {
        builder.Property(d => d.Name).IsRequired().HasMaxLength(255);
        builder.HasIndex(d => new { d.ChannelId, d.Name }).IsUnique();
        builder.Property(d => d.RedirectTarget).HasMaxLength(255);
        builder.HasMany(d => d.Images).WithOne(i => i.Device).HasForeignKey(i => i.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
