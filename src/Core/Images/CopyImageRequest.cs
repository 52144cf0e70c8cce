namespace SystemImage.Core.Images;

/// <summary>Copy (promote) a full image of one channel into another as a new version (SPEC §4 copy-image).</summary>
public sealed record CopyImageRequest(string SourceChannel, string DestinationChannel, string Device)
{
    /// <summary>The source version to copy; default the latest full image.</summary>
    public int? Version { get; init; }

    /// <summary>Copy the full image this many places before the latest (0 = latest).</summary>
    public int? Offset { get; init; }

    /// <summary>Keep the source's version number instead of the destination's next one.</summary>
    public bool KeepVersion { get; init; }

    public int? PhasedPercentage { get; init; }

    public string? Tag { get; init; }
}
