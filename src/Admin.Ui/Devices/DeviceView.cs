using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Devices;

/// <summary>What the device page shows: the device, its channel, its images and the channels it can copy from.</summary>
/// <param name="Sources">Other channels with a device of this name that has images of its own (copy sources).</param>
public sealed record DeviceView(ChannelSummary Channel, DeviceSummary Device, IReadOnlyList<ImageSummary> Images, IReadOnlyList<string> Sources)
{
    public bool Auto => Channel.Type == ChannelType.Auto;

    /// <summary>False for an alias's mirrored images and for a redirected device: their images are changed elsewhere.</summary>
    public bool Writable => Channel.Alias is null && Channel.Redirect is null && Device.Redirect is null;

    public static DeviceView Of(IReadOnlyList<ChannelSummary> channels, ChannelSummary channel, DeviceSummary device, IReadOnlyList<ImageSummary> images) =>
        new(channel, device, images, [.. channels
            .Where(c => c.Name != channel.Name && c.Redirect is null && c.Devices.Any(d => d.Name == device.Name && d.Redirect is null))
            .Select(c => c.Name)]);
}
