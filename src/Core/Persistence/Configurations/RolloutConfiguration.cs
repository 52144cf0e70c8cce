using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class RolloutConfiguration : IEntityTypeConfiguration<Rollout>
{
    public void Configure(EntityTypeBuilder<Rollout> builder)
    {
        builder.Property(r => r.CreatedBy).IsRequired().HasMaxLength(255);
        builder.Property(r => r.EndReason).HasMaxLength(2000);
        builder.Property(r => r.Window).HasMaxLength(64);
        builder.HasOne(r => r.Channel).WithMany().HasForeignKey(r => r.ChannelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RolloutId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Devices).WithOne().HasForeignKey(d => d.RolloutId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);

        // The job looks for active rollouts every minute.
        builder.HasIndex(r => r.State);
    }
}
