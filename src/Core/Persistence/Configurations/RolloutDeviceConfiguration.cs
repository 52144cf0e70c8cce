using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class RolloutDeviceConfiguration : IEntityTypeConfiguration<RolloutDevice>
{
    public void Configure(EntityTypeBuilder<RolloutDevice> builder) =>
        builder.Property(d => d.Device).IsRequired().HasMaxLength(255).UseCollation("BINARY");
}
