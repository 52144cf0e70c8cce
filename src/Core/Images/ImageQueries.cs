using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>Read-only views of a device's images.</summary>
public sealed class ImageQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    /// <summary>The device's images, newest first, or null when the channel or device does not exist.</summary>
    public async Task<IReadOnlyList<ImageSummary>?> ListOrNullAsync(string channel, string device, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Devices.AsNoTracking()
            .Include(d => d.Images).ThenInclude(i => i.Files)
            .FirstOrDefaultAsync(d => d.Channel.Name == channel && d.Name == device, cancellationToken);
        return owner?.Images
            .OrderByDescending(i => i.Version).ThenBy(i => i.Type).ThenByDescending(i => i.Base)
            .Select(i => new ImageSummary(
                i.Type == ImageType.Full ? "full" : "delta",
                i.Version,
                i.Base,
                i.Description,
                i.VersionDetail,
                i.PhasedPercentage ?? 100,
                [.. i.Files.OrderBy(f => f.Order).Select(f => new ImageFileSummary(f.Order, f.PartName, f.Path, f.Checksum, f.Size))])
            {
                Translations = new SortedDictionary<string, string>(i.Translations, StringComparer.Ordinal),
                CreatedAt = i.CreatedAt,
                RevertedAt = i.RevertedAt,
            })
            .ToList();
    }
}
