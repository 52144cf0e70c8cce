namespace SystemImage.Core.Images;

/// <summary>An image as listings show it (the index.json fields plus the phased percentage, 100 when unset).</summary>
public sealed record ImageSummary(
    string Type,
    int Version,
    int? Base,
    string Description,
    string VersionDetail,
    int PhasedPercentage,
    IReadOnlyList<ImageFileSummary> Files)
{
    /// <summary>Translated descriptions keyed by language (index.json's <c>description_&lt;lang&gt;</c>).</summary>
    public IReadOnlyDictionary<string, string> Translations { get; init; } = new Dictionary<string, string>();

    /// <summary>When the image was published.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When this version was reverted (a good build published again over it), or null.</summary>
    public DateTimeOffset? RevertedAt { get; init; }
}
