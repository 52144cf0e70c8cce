using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>The parts and metadata of a full image about to be composed (version tarball and deltas are added by the composer).</summary>
public sealed record ImageContent(IReadOnlyList<PoolFile> Parts, string VersionDetail, string Description)
{
    public Dictionary<string, string> Translations { get; init; } = [];

    public int? PhasedPercentage { get; init; }

    public int? MinVersion { get; init; }

    public bool Bootme { get; init; }

    /// <summary>Whether the image ends with its version tarball (an importer file list may leave out <c>version</c>). Default true.</summary>
    public bool WithVersionTarball { get; init; } = true;

    /// <summary>
    /// For some parts, by pool path, a cheaper way to read the same uncompressed tar than decompressing the pool's
    /// .tar.xz: the uploaded .tar or .tar.gz the part was just made from. Only the delta generator reads them.
    /// </summary>
    public IReadOnlyDictionary<string, Func<Stream>> LocalTars { get; init; } = new Dictionary<string, Func<Stream>>();
}
