using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> builder)
    {
        builder.Property(r => r.Channel).IsRequired().HasMaxLength(255).UseCollation("BINARY");
        builder.Property(r => r.Trigger).IsRequired().HasMaxLength(32);
        builder.Property(r => r.Kind).IsRequired().HasMaxLength(32).HasDefaultValue(ImportRun.ImportKind);
        builder.Property(r => r.Actor).IsRequired().HasMaxLength(255);
        builder.Property(r => r.JobId).HasMaxLength(64);
        builder.Property(r => r.CancelRequestedBy).HasMaxLength(255);
        builder.HasIndex(r => new { r.Channel, r.QueuedAt });
        builder.HasIndex(r => r.JobId);

        // Every job listing looks for queued and running runs whose lease has passed.
        builder.HasIndex(r => r.State);
    }
}
