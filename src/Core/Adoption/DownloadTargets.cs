using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Adoption;

/// <summary>
/// Which tree path counts for which device's version, read from the database into memory and read again after every
/// publish of this process (<see cref="Invalidate"/>) and at least every <see cref="AdoptionOptions.TargetsRefreshSeconds"/>
/// (changes made by verbs in another process). Nothing here runs per request: only flushes and log ingests ask.
/// <para>
/// The rule (README, "Adoption"): a device's <c>index.json</c> is a check-in of that channel's device, under its newest
/// full version. An image counts through one file only, its <em>marker</em>: of its files (pool files and its version
/// tarball), the one the fewest images list, the largest of those on a tie. So one update, which fetches every file of
/// the image, counts once; a rootfs shared by several devices counts for none of them when each device has a file of
/// its own (its device tarball, a delta of it), and is counted for each image it marks when nothing tells them apart.
/// </para>
/// </summary>
public sealed class DownloadTargets(IDbContextFactory<SystemImageDbContext> dbFactory, IOptions<AdoptionOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MinimumReloadInterval = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private FrozenDictionary<string, DownloadTarget[]> _map = FrozenDictionary<string, DownloadTarget[]>.Empty;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;
    private volatile bool _stale = true;

    public void Dispose() => _loading.Dispose();

    /// <summary>The tree changed: read the map again before it is next used.</summary>
    public void Invalidate() => _stale = true;

    /// <summary>
    /// What each of <paramref name="paths"/> counts for (a path that counts for nothing is absent). A path the map does
    /// not know makes it read again, at most every few seconds, in case a file was published since.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DownloadTarget[]>> ResolveAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var map = await CurrentAsync(cancellationToken);
        var wanted = paths.ToList();
        if (wanted.Any(p => !map.ContainsKey(p)) && time.GetUtcNow() - _loadedAt > MinimumReloadInterval)
        {
            _stale = true;
            map = await CurrentAsync(cancellationToken);
        }

        var resolved = new Dictionary<string, DownloadTarget[]>(StringComparer.Ordinal);
        foreach (var path in wanted)
        {
            if (map.TryGetValue(path, out var targets))
            {
                resolved[path] = targets;
            }
        }

        return resolved;
    }

    private async Task<FrozenDictionary<string, DownloadTarget[]>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (!_stale && time.GetUtcNow() - _loadedAt < TimeSpan.FromSeconds(options.Value.TargetsRefreshSeconds))
        {
            return _map;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_stale || time.GetUtcNow() - _loadedAt >= TimeSpan.FromSeconds(options.Value.TargetsRefreshSeconds))
            {
                _stale = false;
                _loadedAt = time.GetUtcNow();
                _map = await LoadAsync(cancellationToken);
            }

            return _map;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<FrozenDictionary<string, DownloadTarget[]>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var images = await db.Images.AsNoTracking()
            .Where(i => i.Device.RedirectTarget == null && i.Device.Channel.RedirectTarget == null)
            .Select(i => new { i.Id, Channel = i.Device.Channel.Name, Device = i.Device.Name, i.Version, i.Type })
            .ToListAsync(cancellationToken);
        var files = await db.ImageFiles.AsNoTracking()
            .Select(f => new { f.ImageId, f.Path, f.Size, f.Order })
            .ToListAsync(cancellationToken);
        var devices = await db.Devices.AsNoTracking()
            .Where(d => d.RedirectTarget == null && d.Channel.RedirectTarget == null)
            .Select(d => new { Channel = d.Channel.Name, d.Name })
            .ToListAsync(cancellationToken);

        var listedBy = files.GroupBy(f => f.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(f => f.ImageId).Distinct().Count(), StringComparer.Ordinal);
        var filesOf = files.ToLookup(f => f.ImageId);
        var map = new Dictionary<string, HashSet<DownloadTarget>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var marker = filesOf[image.Id]
                .OrderBy(f => listedBy[f.Path]).ThenByDescending(f => f.Size).ThenBy(f => f.Order)
                .FirstOrDefault();
            if (marker is null)
            {
                continue;
            }

            var kind = image.Type == ImageType.Full ? DownloadKind.Full : DownloadKind.Delta;
            Add(map, marker.Path, new DownloadTarget(image.Channel, image.Device, image.Version, kind));
        }

        var latest = images.Where(i => i.Type == ImageType.Full)
            .GroupBy(i => (i.Channel, i.Device))
            .ToDictionary(g => g.Key, g => g.Max(i => i.Version));
        foreach (var device in devices)
        {
            var version = latest.GetValueOrDefault((device.Channel, device.Name));
            Add(map, TreeLayout.Index(device.Channel, device.Name), new DownloadTarget(device.Channel, device.Name, version, DownloadKind.CheckIn));
        }

        return map.ToFrozenDictionary(e => e.Key, e => OneKindPerVersion(e.Value), StringComparer.Ordinal);
    }

    /// <summary>
    /// A file that marks both the full image of a version and a delta to it (a part carried whole in the delta, with
    /// nothing of the device's own to tell them apart) counts one download, as full, rather than one of each.
    /// </summary>
    private static DownloadTarget[] OneKindPerVersion(HashSet<DownloadTarget> targets) =>
    [
        .. targets.Where(t => t.Kind != DownloadKind.Delta || !targets.Contains(t with { Kind = DownloadKind.Full })),
    ];

    private static void Add(Dictionary<string, HashSet<DownloadTarget>> map, string path, DownloadTarget target)
    {
        if (!map.TryGetValue(path, out var targets))
        {
            map[path] = targets = [];
        }

        targets.Add(target);
    }
}
