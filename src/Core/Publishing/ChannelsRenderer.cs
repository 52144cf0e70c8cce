using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Publishing;

/// <summary>Renders channels.json (SPEC §2) from every channel and its devices.</summary>
public static class ChannelsRenderer
{
    public static byte[] Render(IReadOnlyCollection<Channel> channels)
    {
        var byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var root = new JsonObject();
        foreach (var channel in channels)
        {
            var entry = new JsonObject();
            if (channel.RedirectTarget is { } redirect)
            {
                // Clients that do not understand "redirect" still find the target's indexes.
                entry["devices"] = byName.TryGetValue(redirect, out var target) ? RenderDevices(target) : new JsonObject();
                entry["redirect"] = redirect;
                entry["hidden"] = true;
            }
            else
            {
                entry["devices"] = RenderDevices(channel);
                if (channel.Hidden)
                {
                    entry["hidden"] = true;
                }

                if (channel.AliasTarget is { } alias)
                {
                    entry["alias"] = alias;
                }
            }

            root[channel.Name] = entry;
        }

        return CanonicalJson.Serialize(root);
    }

    private static JsonObject RenderDevices(Channel channel)
    {
        var devices = new JsonObject();
        foreach (var device in channel.Devices)
        {
            var entry = new JsonObject();
            if (device.RedirectTarget is { } redirect)
            {
                entry["index"] = TreeLayout.Index(redirect, device.Name);
                entry["redirect"] = redirect;
            }
            else
            {
                entry["index"] = TreeLayout.Index(channel.Name, device.Name);
                if (device.HasKeyring)
                {
                    var keyring = TreeLayout.DeviceKeyring(channel.Name, device.Name);
                    entry["keyring"] = new JsonObject { ["path"] = keyring, ["signature"] = TreeLayout.Signature(keyring) };
                }
            }

            devices[device.Name] = entry;
        }

        return devices;
    }
}
