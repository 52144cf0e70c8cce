using System.Globalization;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>The before/after summaries of mutations that publish an image: the device's full versions, then what was added.</summary>
internal static class ImageAudit
{
    /// <summary>The device's full versions now, oldest first, with the latest one's phased percentage.</summary>
    public static string Versions(Device device)
    {
        var fulls = device.Images.Where(i => i.Type == ImageType.Full).OrderBy(i => i.Version).ToList();
        var latest = fulls.LastOrDefault();
        return $"full versions {Names.List(fulls.Select(i => i.Version.ToString(CultureInfo.InvariantCulture)))}"
            + (latest?.PhasedPercentage is { } percentage ? $" (latest phased at {percentage}%)" : "");
    }

    /// <summary>Call after the image (and its deltas) were added and older images expired; <paramref name="before"/> is <see cref="Versions"/> taken before.</summary>
    public static AuditChange Published(string before, Device device, int version, string what) =>
        new(before, $"{Versions(device)}; version {version}: {what}{Deltas(device, version)}");

    private static string Deltas(Device device, int version)
    {
        var bases = device.Images.Where(i => i.Type == ImageType.Delta && i.Version == version).Select(i => i.Base!.Value).Order().ToList();
        return bases.Count == 0 ? "" : $", deltas from {string.Join(", ", bases)}";
    }
}
