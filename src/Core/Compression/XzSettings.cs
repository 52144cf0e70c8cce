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

    /// <summary>
    /// These settings for an input of <paramref name="size"/> bytes. With <see cref="BlockSize"/> 0 and a known size, a
    /// small input is split into one block per thread so every core works on it; blocks never exceed liblzma's own
    /// default (3 × the preset's dictionary), so memory stays bounded whatever the input size. Otherwise unchanged.
    /// </summary>
    public XzSettings ForInputSize(long? size)
    {
        if (BlockSize != 0 || size is not > 0)
        {
            return this;
        }

        var threads = Threads > 0 ? Threads : Environment.ProcessorCount;
        var perThread = Math.Max(MinimumSplitBlock, (size.Value + threads - 1) / threads);
        return this with { BlockSize = Math.Min(perThread, 3 * DictionarySize(Preset)) };
    }

    /// <summary>The LZMA2 dictionary size of an xz preset (as in <c>xz --help</c>'s table).</summary>
    public static long DictionarySize(int preset) => preset switch
    {
        0 => 256 << 10,
        1 => 1 << 20,
        2 => 2 << 20,
        3 or 4 => 4 << 20,
        5 or 6 => 8 << 20,
        7 => 16 << 20,
        8 => 32 << 20,
        _ => 64 << 20,
    };

    public const long MinimumSplitBlock = 1 << 20;
}
