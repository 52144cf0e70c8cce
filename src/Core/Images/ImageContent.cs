using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>The parts and metadata of a full image about to be composed (version tarball and deltas are added by the composer).</summary>
public sealed record ImageContent(IReadOnlyList<PoolFile> Parts, string VersionDetail, string Description)
{
    public Dictionary<string, string> Translations { get; init; } = [];

    public int? PhasedPercentage { get; init; }

    public int? MinVersion { get; init; }

    public bool Bootme { get; init; }
}
