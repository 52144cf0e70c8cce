using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Adoption;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Releases;

/// <summary>
/// Groups the full images of every channel's devices by build, so a release manager sees devel v5 → rc v4 → stable v3:
/// the builds that are the latest full image of at least one channel, each with every channel that still has it.
/// </summary>
public sealed class ReleaseQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    public async Task<ReleaseOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var latest = await db.Images.AsNoTracking()
            .Where(i => i.Type == ImageType.Full && i.Device.RedirectTarget == null && i.Device.Channel.RedirectTarget == null)
            .Select(i => new
            {
                Latest = !db.Images.Any(o => o.DeviceId == i.DeviceId && o.Type == ImageType.Full && o.Version > i.Version),
                Channel = i.Device.Channel.Name,
                Device = i.Device.Name,
                i.Version,
                i.CreatedAt,
                i.Description,
                i.VersionDetail,
                i.PhasedPercentage,
                Files = i.Files.OrderBy(f => f.Order).Select(f => f.Path).ToList(),
            })
            .ToListAsync(cancellationToken);
        var counts = await db.DownloadCounts.AsNoTracking()
            .GroupBy(d => new { d.Channel, d.Device, d.Version, d.Kind })
            .Select(g => new { g.Key.Channel, g.Key.Device, g.Key.Version, g.Key.Kind, Count = g.Sum(d => d.Count) })
            .ToListAsync(cancellationToken);
        long Count(string channel, string device, int version, bool checkIns) => counts
            .Where(c => c.Channel == channel && c.Device == device && c.Version == version && (c.Kind == DownloadKind.CheckIn) == checkIns)
            .Sum(c => c.Count);

        var devices = latest.GroupBy(i => i.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(device =>
        {
            var builds = device
                .GroupBy(i => string.Join('\n', i.Files.Where(f => f.StartsWith(TreeLayout.PoolDirectory + "/", StringComparison.Ordinal))), StringComparer.Ordinal)
                .Where(build => build.Any(i => i.Latest))
                .Select(build => new Build(
                    WithoutVersion(build.OrderBy(i => i.CreatedAt).First().VersionDetail),
                    [.. build.Key.Split('\n', StringSplitOptions.RemoveEmptyEntries)],
                    [
                        .. build.OrderBy(i => i.CreatedAt).ThenBy(i => i.Channel, StringComparer.Ordinal).Select(i => new Placement(
                            i.Channel, i.Version, i.Latest, i.CreatedAt, i.Description, i.PhasedPercentage ?? 100,
                            Count(i.Channel, i.Device, i.Version, checkIns: false), Count(i.Channel, i.Device, i.Version, checkIns: true))),
                    ]))
                .OrderByDescending(b => b.Channels.Min(c => c.PublishedAt))
                .ToList();
            return new DeviceReleases(device.Key, builds);
        });
        return new ReleaseOverview([.. devices]);
    }

    /// <summary>A version_detail without its <c>version=N</c> element, which differs per channel for the same build.</summary>
    internal static string WithoutVersion(string detail) =>
        string.Join(',', detail.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("version=", StringComparison.Ordinal)));
}
