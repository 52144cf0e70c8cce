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
    /// These settings for an input of <paramref name="size"/> bytes. With <see cref="BlockSize"/> 0 and a known size,
    /// the input is split into one block per thread, so every core works on it (a single block would use one core for
    /// inputs under 3 × the dictionary size); the cost is a fraction of a percent in size. Otherwise unchanged.
    /// </summary>
    public XzSettings ForInputSize(long? size)
    {
        if (BlockSize != 0 || size is not > 0)
        {
            return this;
        }

        var threads = Threads > 0 ? Threads : Environment.ProcessorCount;
        return this with { BlockSize = Math.Max(MinimumSplitBlock, (size.Value + threads - 1) / threads) };
    }

    /// <summary>Below this, splitting an input across threads costs more in size than it saves in time.</summary>
    public const long MinimumSplitBlock = 1 << 20;
}
