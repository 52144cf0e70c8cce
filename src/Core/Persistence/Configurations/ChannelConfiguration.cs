using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    /// <summary>Public for the compiled models' copy of the conversion below, which can reach no private field.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.Property(c => c.Name).IsRequired().HasMaxLength(255).UseCollation("BINARY");
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.AliasTarget).HasMaxLength(255);
        builder.Property(c => c.RedirectTarget).HasMaxLength(255);
        builder.Property(c => c.ImportSchedule).HasMaxLength(255);

        // The file list is read and written whole, so it is one JSON column.
        builder.Property(c => c.ImportFiles)
            .HasConversion(
                files => JsonSerializer.Serialize(files, JsonOptions),
                json => JsonSerializer.Deserialize<List<ImportFile>>(json, JsonOptions) ?? new List<ImportFile>(),
                new ValueComparer<List<ImportFile>>(
                    (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                    files => JsonSerializer.Serialize(files, JsonOptions).GetHashCode(StringComparison.Ordinal),
                    files => JsonSerializer.Deserialize<List<ImportFile>>(JsonSerializer.Serialize(files, JsonOptions), JsonOptions)!))
            .HasColumnType("TEXT")
            .HasDefaultValueSql("'[]'");
        builder.HasMany(c => c.Devices).WithOne(d => d.Channel).HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
