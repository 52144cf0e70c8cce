namespace SystemImage.Core.Channels;

/// <summary>A channel as listings show it.</summary>
public sealed record ChannelSummary(
    string Name,
    bool Hidden,
    string? Alias,
    string? Redirect,
    IReadOnlyList<DeviceSummary> Devices)
{
    /// <summary>Manual, or automatic (the importer builds its images).</summary>
    public Persistence.Entities.ChannelType Type { get; init; }

    /// <summary>True when an automatic channel's imports are paused.</summary>
    public bool ImportPaused { get; init; }
}
