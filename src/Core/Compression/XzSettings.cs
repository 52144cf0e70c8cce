namespace SystemImage.Core.Compression;

/// <summary>How <see cref="XzEncoderStream"/> compresses; the defaults match <c>xz -9 -T0</c>.</summary>
public sealed record XzSettings
{
    /// <summary>Preset level 0 (fastest) to 9 (smallest), as <c>xz -0</c> … <c>xz -9</c>. Default 9.</summary>
    public int Preset { get; init; } = 9;

    /// <summary>Use the slower "extreme" variant of the preset, as <c>xz -e</c>. Default false.</summary>
    public bool Extreme { get; init; }

    /// <summary>Uncompressed bytes per .xz block, as <c>xz --block-size</c>; 0 lets liblzma choose (3 × dictionary size). Default 0.</summary>
    public long BlockSize { get; init; }

    /// <summary>Worker threads, as <c>xz -T</c>; 0 means <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }
}
