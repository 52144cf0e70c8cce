using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>What a generator knows about the image it contributes to.</summary>
public sealed class GeneratorContext
{
    public required string Channel { get; init; }

    public required string Device { get; init; }

    /// <summary>The version the new image will have.</summary>
    public required int Version { get; init; }

    /// <summary>The file-list entry being generated (the device's override when there is one).</summary>
    public required ImportFile File { get; init; }

    /// <summary>The device's latest full image in this channel, with its files, or null before the first.</summary>
    public required Image? LatestFull { get; init; }

    /// <summary>The files generated so far for this image, in file-list order.</summary>
    public required IReadOnlyList<PoolFile> Generated { get; init; }

    /// <summary>The import's pool access, work directory and progress reporting.</summary>
    public required ImportSession Session { get; init; }

    /// <summary>The database, for generators that reuse another channel's files; read only.</summary>
    public required SystemImageDbContext Db { get; init; }

    /// <summary>True when a file generated so far is not in the latest full image (SPEC §5 step 3).</summary>
    public bool AnyNew => Generated.Any(IsNew);

    /// <summary>True when <paramref name="file"/>'s path is not among the latest full image's files.</summary>
    public bool IsNew(PoolFile file) => LatestFull is null || LatestFull.Files.All(f => f.Path != file.Path);

    /// <summary>The file of the same part name in the latest full image, or null.</summary>
    public ImageFile? Previous => LatestFull?.Files.FirstOrDefault(f => f.PartName == File.Name);
}
