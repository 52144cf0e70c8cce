using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// The part of the database the tree can show: channels and devices whose names the server accepts and whose
/// directories nothing in the publish root stands in the way of. A row that fails (made before the naming rules, or
/// written into the database by hand) is left out of channels.json and gets no index, and the publisher logs why, so
/// one bad row never stops the server from publishing and serving everything else.
/// </summary>
internal static class PublishableTree
{
    /// <summary>
    /// Removes from <paramref name="channels"/> (untracked entities) the channels and devices whose names are refused,
    /// and per-device redirects to a channel removed, and says why for each. Names only: no file system access.
    /// </summary>
    public static List<string> PruneNames(List<Channel> channels)
    {
        var problems = new List<string>();
        channels.RemoveAll(channel => Refused(Names.ValidateChannel(channel.Name) is { } invalid ? $"channel row {channel.Id}: {invalid}" : null, problems));
        var published = channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            channel.Devices.RemoveAll(device => Refused(
                Names.ValidateDevice(device.Name) is { } invalid ? $"device row {device.Id} of channel '{channel.Name}': {invalid}"
                : device.RedirectTarget is { } target && !published.Contains(target) ? $"device '{device.Name}' of channel '{channel.Name}': it redirects to '{target}', which is not published"
                : null,
                problems));
        }

        return problems;
    }

    /// <summary>
    /// Removes from <paramref name="devices"/> (and from their channels' device lists) those whose directory cannot be made
    /// because something that is not a directory stands in its way, and says why for each. Only the devices a publish
    /// writes are looked at, so a small change does not look at every directory of a large tree.
    /// </summary>
    public static List<string> PruneBlocked(List<(Channel Channel, Device Device)> devices, string root)
    {
        var problems = new List<string>();
        var channels = new Dictionary<string, string?>(StringComparer.Ordinal);
        devices.RemoveAll(pair =>
        {
            var (channel, device) = pair;
            var channelDirectory = "/" + channel.Name;
            if (!channels.TryGetValue(channel.Name, out var channelObstacle))
            {
                channelObstacle = channels[channel.Name] = TreeObstacle.InDirectory(root, channelDirectory);
            }

            var directory = TreeLayout.DeviceDirectory(channel.Name, device.Name);
            var problem = channelObstacle is not null
                ? $"channel '{channel.Name}': {TreeObstacle.ExplainDirectory(channelDirectory, channelObstacle)}"
                : !Directory.Exists(Path.Combine(root, channel.Name, device.Name)) && File.Exists(Path.Combine(root, channel.Name, device.Name))
                    ? $"device '{device.Name}' of channel '{channel.Name}': {TreeObstacle.ExplainDirectory(directory, directory)}"
                    : null;
            if (problem is null)
            {
                return false;
            }

            channel.Devices.Remove(device);
            problems.Add(problem);
            return true;
        });
        return problems;
    }

    private static bool Refused(string? problem, List<string> problems)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }

        return problem is not null;
    }
}
