using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class PendingPublishConfiguration : IEntityTypeConfiguration<PendingPublish>
{
    public void Configure(EntityTypeBuilder<PendingPublish> builder)
    {
        builder.Property(p => p.Staging).IsRequired().HasMaxLength(128);
        builder.Property(p => p.Request).IsRequired();
    }
}
