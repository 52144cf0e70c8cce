using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Core.Channels;

/// <summary>
/// Refuses channels and devices whose directories would overlap (SPEC §6): channel <c>stable/mako</c>
/// while channel <c>stable</c> has device <c>mako</c>, or the reverse.
/// </summary>
internal static class TreeOverlap
{
    /// <summary>An error when a channel named <paramref name="name"/> would live inside another channel's device directory.</summary>
    public static async Task<string?> ForChannelAsync(SystemImageDbContext db, string name, CancellationToken cancellationToken)
    {
        var devices = await db.Devices.Select(d => new { Channel = d.Channel.Name, Device = d.Name }).ToListAsync(cancellationToken);
        var clash = devices
            .Select(d => new DeviceDirectory(d.Channel + "/" + d.Device, d.Channel, d.Device))
            .FirstOrDefault(d => name == d.Dir || name.StartsWith(d.Dir + "/", StringComparison.Ordinal));
        return clash is null
            ? null
            : $"Channel '{name}' would overlap the directory of device '{clash.Device}' of channel '{clash.Channel}'.";
    }

    /// <summary>An error when device <paramref name="device"/> of <paramref name="channel"/> would contain another channel's directory.</summary>
    public static async Task<string?> ForDeviceAsync(SystemImageDbContext db, string channel, string device, CancellationToken cancellationToken)
    {
        var dir = channel + "/" + device;
        var clash = await db.Channels
            .Where(c => c.Name == dir || c.Name.StartsWith(dir + "/"))
            .Select(c => c.Name)
            .FirstOrDefaultAsync(cancellationToken);
        return clash is null
            ? null
            : $"Device '{device}' of channel '{channel}' would overlap the directory of channel '{clash}'.";
    }

    private sealed record DeviceDirectory(string Dir, string Channel, string Device);
}
