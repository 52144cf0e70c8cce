namespace SystemImage.Core.Images;

/// <summary>Publish a new full image (and its deltas) of a device from part files.</summary>
public sealed record PublishImageRequest(string Channel, string Device, IReadOnlyList<PartInput> Parts)
{
    public string? Description { get; init; }

    /// <summary>The version to publish; default the latest full version + 1 (or 1).</summary>
    public int? Version { get; init; }

    /// <summary>0–100; 100 (or null) publishes to every device.</summary>
    public int? PhasedPercentage { get; init; }

    public string? Tag { get; init; }

    public int? MinVersion { get; init; }

    public bool Bootme { get; init; }
}
