namespace SystemImage.Core.Channels;

/// <summary>A channel as listings show it.</summary>
public sealed record ChannelSummary(
    string Name,
    bool Hidden,
    string? Alias,
    string? Redirect,
    IReadOnlyList<DeviceSummary> Devices);
