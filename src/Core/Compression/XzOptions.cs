using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Compression;

/// <summary>How the server compresses the .xz files it publishes.</summary>
public sealed class XzOptions
{
    public const string SectionName = "SystemImage:Xz";

    /// <summary>
    /// Preset level 0 (fastest) to 9 (smallest), as <c>xz -0</c> … <c>xz -9</c>. Default 6: measured on a 110 MB system
    /// tar it is within 1.7 % of single-block <c>xz -9</c> in size at 0.44× its time on 2 cores, with about 100 MB of
    /// encoder memory per thread (preset 9 needs about 700 MB per thread and 64 MiB to decompress on the device).
    /// </summary>
    [Range(0, 9)]
    public int Preset { get; set; } = 6;

    /// <summary>Use the slower "extreme" variant of the preset, as <c>xz -e</c>. Default false.</summary>
    public bool Extreme { get; set; }

    /// <summary>
    /// Uncompressed bytes per .xz block, as <c>xz --block-size</c>. 0 (default): 3 × the dictionary (liblzma's choice),
    /// and an input of known size smaller than that is split evenly across the threads.
    /// </summary>
    [Range(typeof(long), "0", "1125899906842624", ErrorMessage = "BlockSize must be between 0 (liblzma's default) and 2^50 bytes.")]
    public long BlockSize { get; set; }

    /// <summary>
    /// The most worker threads, as <c>xz -T</c>; 0 means one per processor. Default 0. Each encoder runs with fewer when
    /// <see cref="CompressionOptions.MemoryLimitMiB"/> has no room for them all (the output is the same).
    /// </summary>
    [Range(0, 16384)]
    public int Threads { get; set; }

    public XzSettings ToSettings() => new()
    {
        Preset = Preset,
        Extreme = Extreme,
        BlockSize = BlockSize,
        Threads = Threads,
    };
}
