using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Channels;

/// <summary>Read-only views of channels and devices for the command line, the API and the UI.</summary>
public sealed class ChannelQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ChannelSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channels = await db.Channels.AsNoTracking().Include(c => c.Devices).OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return [.. channels.Select(ToSummary)];
    }

    public async Task<ChannelSummary?> FindOrNullAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.AsNoTracking().Include(c => c.Devices).FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        return channel is null ? null : ToSummary(channel);
    }

    private static ChannelSummary ToSummary(Channel channel) => new(
        channel.Name,
        channel.Hidden,
        channel.AliasTarget,
        channel.RedirectTarget,
        [.. channel.Devices.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => new DeviceSummary(
            d.Name,
            TreeLayout.Index(d.RedirectTarget ?? channel.Name, d.Name),
            d.HasKeyring ? TreeLayout.DeviceKeyring(channel.Name, d.Name) : null,
            d.RedirectTarget) { KeyringUploaded = d.UploadedKeyring is not null, KeyringExpiry = d.UploadedKeyringExpiry })])
    {
        Type = channel.Type,
        ImportPaused = channel.ImportPaused,
    };
}
