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
    /// <summary>Removes from <paramref name="channels"/> (untracked entities) what cannot be published and says why for each.</summary>
    public static List<string> Prune(List<Channel> channels, string root)
    {
        var problems = new List<string>();
        channels.RemoveAll(channel =>
        {
            if (ChannelProblem(channel, root) is { } problem)
            {
                problems.Add(problem);
                return true;
            }

            return false;
        });

        var published = channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            channel.Devices.RemoveAll(device =>
            {
                if (DeviceProblem(channel, device, root, published) is { } problem)
                {
                    problems.Add(problem);
                    return true;
                }

                return false;
            });
        }

        return problems;
    }

    private static string? ChannelProblem(Channel channel, string root)
    {
        if (Names.ValidateChannel(channel.Name) is { } invalid)
        {
            return $"channel row {channel.Id}: {invalid}";
        }

        var directory = "/" + channel.Name;
        return channel.RedirectTarget is null && channel.Devices.Count > 0 && TreeObstacle.InDirectory(root, directory) is { } obstacle
            ? $"channel '{channel.Name}': {TreeObstacle.ExplainDirectory(directory, obstacle)}"
            : null;
    }

    private static string? DeviceProblem(Channel channel, Device device, string root, HashSet<string> published)
    {
        if (Names.ValidateDevice(device.Name) is { } invalid)
        {
            return $"device row {device.Id} of channel '{channel.Name}': {invalid}";
        }

        if (device.RedirectTarget is { } target)
        {
            return published.Contains(target) ? null : $"device '{device.Name}' of channel '{channel.Name}': it redirects to '{target}', which is not published";
        }

        // The channel's own directory passed; only the device's last segment is left to look at.
        var full = Path.Combine(root, channel.Name, device.Name);
        return !Directory.Exists(full) && File.Exists(full)
            ? $"device '{device.Name}' of channel '{channel.Name}': {TreeObstacle.ExplainDirectory(TreeLayout.DeviceDirectory(channel.Name, device.Name), TreeLayout.DeviceDirectory(channel.Name, device.Name))}"
            : null;
    }
}
