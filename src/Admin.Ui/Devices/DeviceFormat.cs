using System.Globalization;
using SystemImage.Core.Images;

namespace SystemImage.Admin.Ui.Devices;

/// <summary>How the device page writes sizes, checksums, dates and tags.</summary>
public static class DeviceFormat
{
    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB"];

    public static string Size(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} bytes" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {Units[unit]}");
    }

    /// <summary>The first 12 hex digits of a checksum, enough to tell files apart at a glance.</summary>
    public static string ShortChecksum(string checksum) => checksum.Length <= 12 ? checksum : checksum[..12] + "…";

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The <c>tag=</c> part of a version_detail, or null.</summary>
    public static string? Tag(string versionDetail) =>
        VersionDetail.Split(versionDetail).Where(kv => kv.Key == "tag").Select(kv => kv.Value).FirstOrDefault();

    public static string What(ImageSummary image) =>
        image.Type == "full" ? $"full image {image.Version}" : $"delta {image.Base}→{image.Version}";
}
