using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>The parts and metadata of a full image about to be composed (version tarball and deltas are added by the composer).</summary>
public sealed record ImageContent(IReadOnlyList<PoolFile> Parts, string VersionDetail, string Description)
{
    public Dictionary<string, string> Translations { get; init; } = [];

    public int? PhasedPercentage { get; init; }

    public int? MinVersion { get; init; }

    public bool Bootme { get; init; }

    /// <summary>
    /// The part name of each of <see cref="Parts"/> in this image, when it is not the pool file's own (a pool file is
    /// shared, and an importer's file-list entry names the part). Null: each pool file's <see cref="PoolFile.PartName"/>.
    /// </summary>
    public IReadOnlyList<string>? PartNames { get; init; }

    /// <summary>The part name of <see cref="Parts"/>[<paramref name="index"/>] in this image.</summary>
    public string PartNameOf(int index) => PartNames?[index] ?? Parts[index].PartName;

    /// <summary>Whether the image ends with its version tarball (an importer file list may leave out <c>version</c>). Default true.</summary>
    public bool WithVersionTarball { get; init; } = true;

    /// <summary>
    /// For some parts, by pool path, a cheaper way to read the same uncompressed tar than decompressing the pool's
    /// .tar.xz: the uploaded .tar or .tar.gz the part was just made from. Only the delta generator reads them.
    /// </summary>
    public IReadOnlyDictionary<string, Func<Stream>> LocalTars { get; init; } = new Dictionary<string, Func<Stream>>();
}
