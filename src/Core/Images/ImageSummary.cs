namespace SystemImage.Core.Images;

/// <summary>An image as listings show it (the index.json fields plus the phased percentage, 100 when unset).</summary>
public sealed record ImageSummary(
    string Type,
    int Version,
    int? Base,
    string Description,
    string VersionDetail,
    int PhasedPercentage,
    IReadOnlyList<ImageFileSummary> Files);
