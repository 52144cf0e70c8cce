namespace SystemImage.Core.Generators;

/// <summary>What a generated pool file records about itself, in the database and its <c>.json</c> sidecar.</summary>
/// <param name="PartName">The file-list entry's name (<c>ubuntu</c>, <c>device</c>…).</param>
/// <param name="Generator">The generator's name.</param>
/// <param name="VersionDetail">The file's <c>version_detail</c> element, e.g. <c>ubuntu=20261125</c>.</param>
/// <param name="Source">Where it came from: a path or a URL.</param>
/// <param name="Version">The image version it was made for.</param>
public sealed record PoolFileDescription(string PartName, string Generator, string VersionDetail, string? Source, int Version)
{
    /// <summary>More sidecar fields, e.g. the build number a monitor reported.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}
