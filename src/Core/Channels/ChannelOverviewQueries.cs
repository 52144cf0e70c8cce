using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Channels;

/// <summary>
/// Channels with each device's latest full image and the channel's active import, in a few queries however many
/// channels there are (the admin UI's overview and channel page).
/// </summary>
public sealed class ChannelOverviewQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    /// <summary>Every channel, ordered by name.</summary>
    public Task<IReadOnlyList<ChannelOverview>> ListAsync(CancellationToken cancellationToken) => LoadAsync(null, cancellationToken);

    /// <summary>One channel, or null when it does not exist.</summary>
    public async Task<ChannelOverview?> FindOrNullAsync(string name, CancellationToken cancellationToken) =>
        await LoadAsync(name, cancellationToken) is [var channel] ? channel : null;

    private async Task<IReadOnlyList<ChannelOverview>> LoadAsync(string? only, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channels = await db.Channels.AsNoTracking().Include(c => c.Devices)
            .Where(c => only == null || c.Name == only)
            .OrderBy(c => c.Name)
            .ToListAsync(cancellationToken);
        if (channels.Count == 0)
        {
            return [];
        }

        var latest = await LatestImagesAsync(db, channels, cancellationToken);
        var names = channels.Select(c => c.Name).ToList();
        var active = (await db.ImportRuns.AsNoTracking()
                .Where(r => r.Kind == ImportRun.ImportKind && (r.State == ImportRunState.Queued || r.State == ImportRunState.Running))
                .Where(r => only == null || r.Channel == only)
                .OrderBy(r => r.Id)
                .Select(r => new { r.Id, r.Channel, r.State })
                .ToListAsync(cancellationToken))
            .Where(r => names.Contains(r.Channel))
            .GroupBy(r => r.Channel)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.State).ThenBy(r => r.Id).First(), StringComparer.Ordinal);

        return [.. channels.Select(c => new ChannelOverview(
            c.Name,
            c.Hidden,
            c.AliasTarget,
            c.RedirectTarget,
            [.. c.Devices.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => Device(c, d, latest))])
        {
            Type = c.Type,
            ImportPaused = c.ImportPaused,
            ActiveImport = active.TryGetValue(c.Name, out var run) ? new ActiveImport(run.Id, run.State) : null,
        })];
    }

    private static DeviceOverview Device(Channel channel, Device device, Dictionary<(string Channel, string Device), LatestImage> latest)
    {
        var image = latest.GetValueOrDefault((device.RedirectTarget ?? channel.Name, device.Name));
        return new DeviceOverview(device.Name, device.RedirectTarget, device.HasKeyring && device.RedirectTarget is null)
        {
            KeyringUploaded = device.UploadedKeyring is not null,
            LatestVersion = image?.Version,
            PhasedPercentage = image is null ? null : image.PhasedPercentage ?? 100,
            LatestDescription = image?.Description,
            LatestPublishedAt = image?.CreatedAt,
            FullImages = image?.FullImages ?? 0,
        };
    }

    /// <summary>The latest full image of every device of <paramref name="channels"/> and of the devices their per-device redirects use.</summary>
    private static async Task<Dictionary<(string Channel, string Device), LatestImage>> LatestImagesAsync(
        SystemImageDbContext db, List<Channel> channels, CancellationToken cancellationToken)
    {
        var wanted = channels.Select(c => c.Name)
            .Concat(channels.SelectMany(c => c.Devices).Select(d => d.RedirectTarget).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var fulls = db.Images.Where(i => i.Type == ImageType.Full);
        var rows = await fulls
            .Where(i => wanted.Contains(i.Device.Channel.Name))
            .Where(i => !fulls.Any(newer => newer.DeviceId == i.DeviceId && newer.Version > i.Version))
            .Select(i => new
            {
                Channel = i.Device.Channel.Name,
                Device = i.Device.Name,
                i.Version,
                i.PhasedPercentage,
                i.Description,
                i.CreatedAt,
                FullImages = fulls.Count(f => f.DeviceId == i.DeviceId),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(
            r => (r.Channel, r.Device),
            r => new LatestImage(r.Version, r.PhasedPercentage, r.Description, r.CreatedAt, r.FullImages));
    }

    private sealed record LatestImage(int Version, int? PhasedPercentage, string Description, DateTimeOffset CreatedAt, int FullImages);
}
