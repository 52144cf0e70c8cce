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

    /// <summary>When an image was published, to the day: enough to tell versions apart in a picker.</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// A version as pickers offer it: number, tag, description (cut to keep the picker narrow) and day, e.g.
    /// <c>12 · tag OTA-5 · Fixes the camera · 2026-12-05</c>.
    /// </summary>
    public static string Choice(ImageSummary image)
    {
        var parts = new List<string> { image.Version.ToString(CultureInfo.InvariantCulture) };
        if (Tag(image.VersionDetail) is { } tag)
        {
            parts.Add($"tag {tag}");
        }

        if (image.Description.Trim() is { Length: > 0 } description)
        {
            parts.Add(description.Length <= ChoiceDescriptionLength ? description : description[..(ChoiceDescriptionLength - 1)] + "…");
        }

        parts.Add(Day(image.CreatedAt));
        return string.Join(" · ", parts);
    }

    /// <summary>How much of a description a picker shows; the option's title carries all of it.</summary>
    private const int ChoiceDescriptionLength = 40;

    /// <summary>Whom a new image is offered to, as previews state it.</summary>
    public static string Offered(int phasedPercentage) => phasedPercentage switch
    {
        100 => "The new image is offered to every device (phased percentage 100%).",
        0 => "The new image is offered to no device (phased percentage 0%) until it is phased up.",
        _ => $"The new image is offered to {phasedPercentage}% of devices (phased percentage {phasedPercentage}%).",
    };

    public static string What(ImageSummary image) =>
        image.Type == "full" ? $"full image {image.Version}" : $"delta {image.Base}→{image.Version}";
}
