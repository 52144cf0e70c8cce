using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>Loads the channel and device an image operation writes to, refusing aliases, redirects and redirected devices.</summary>
internal static class ImageTargets
{
    public static async Task<(Channel? Channel, Device? Device, OperationResult? Refusal)> LoadWritableAsync(
        SystemImageDbContext db, string channelName, string deviceName, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Name == channelName, cancellationToken);
        if (channel is null)
        {
            return (null, null, OperationResult.NotFound($"Channel '{channelName}' does not exist."));
        }

        if (channel.RedirectTarget is not null)
        {
            return (null, null, OperationResult.Conflict($"Channel '{channelName}' is a redirect to '{channel.RedirectTarget}'; it has no images of its own."));
        }

        if (channel.AliasTarget is not null)
        {
            return (null, null, OperationResult.Conflict($"Channel '{channelName}' is an alias of '{channel.AliasTarget}'; its images mirror the target, so change them there."));
        }

        var device = await db.Devices
            .Include(d => d.Images).ThenInclude(i => i.Files)
            .FirstOrDefaultAsync(d => d.ChannelId == channel.Id && d.Name == deviceName, cancellationToken);
        if (device is null)
        {
            return (null, null, OperationResult.NotFound($"Channel '{channelName}' has no device '{deviceName}'."));
        }

        if (device.RedirectTarget is not null)
        {
            return (null, null, OperationResult.Conflict($"Device '{deviceName}' of '{channelName}' is redirected to '{device.RedirectTarget}'; it has no images of its own."));
        }

        return Names.RefuseStoredDevice(channel.Name, device.Name) is { } stale
            ? (null, null, OperationResult.Conflict(stale))
            : (channel, device, null);
    }
}
