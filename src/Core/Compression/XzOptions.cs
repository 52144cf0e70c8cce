using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Compression;

/// <summary>How the server compresses the .xz files it publishes.</summary>
public sealed class XzOptions
{
    public const string SectionName = "SystemImage:Xz";

    /// <summary>Preset level 0 (fastest) to 9 (smallest), as <c>xz -0</c> … <c>xz -9</c>. Default 9.</summary>
    [Range(0, 9)]
    public int Preset { get; set; } = 9;

    /// <summary>Use the slower "extreme" variant of the preset, as <c>xz -e</c>. Default false.</summary>
    public bool Extreme { get; set; }

    /// <summary>Uncompressed bytes per .xz block, as <c>xz --block-size</c>; 0 lets liblzma choose (3 × dictionary size). Default 0.</summary>
    [Range(typeof(long), "0", "1125899906842624", ErrorMessage = "BlockSize must be between 0 (liblzma's default) and 2^50 bytes.")]
    public long BlockSize { get; set; }

    /// <summary>Worker threads, as <c>xz -T</c>; 0 means one per processor. Default 0.</summary>
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
