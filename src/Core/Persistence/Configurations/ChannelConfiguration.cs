using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.Property(c => c.Name).IsRequired().HasMaxLength(255).UseCollation("BINARY");
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.AliasTarget).HasMaxLength(255);
        builder.Property(c => c.RedirectTarget).HasMaxLength(255);
        builder.HasMany(c => c.Devices).WithOne(d => d.Channel).HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
