namespace SystemImage.Core.Adoption;

/// <summary>A channel's downloads per day and version between two days (inclusive), in all and per device.</summary>
public sealed record ChannelDownloads(
    string Channel, DateOnly From, DateOnly To, IReadOnlyList<DailyDownloads> Days, IReadOnlyList<DeviceDownloads> Devices);

/// <summary>One device's downloads per day and version.</summary>
public sealed record DeviceDownloads(string Device, IReadOnlyList<DailyDownloads> Days);
