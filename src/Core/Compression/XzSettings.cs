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

    /// <summary>
    /// The most worker threads, as <c>xz -T</c>; 0 means <see cref="Environment.ProcessorCount"/>. Default 0. The encoder
    /// runs with fewer when <see cref="MemoryBudget"/> has no room for them all; the output is the same either way.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>The input's size when known (see <see cref="ForInputSize"/>): no more threads are started than it has blocks.</summary>
    public long? InputSize { get; init; }

    /// <summary>The memory the encoder reserves its threads from; null (default) means <see cref="XzMemoryBudget.Shared"/>.</summary>
    public XzMemoryBudget? MemoryBudget { get; init; }

    /// <summary>
    /// These settings for an input of <paramref name="size"/> bytes. With <see cref="BlockSize"/> 0 and a known size, a
    /// small input is split into one block per thread so every core works on it; blocks never exceed liblzma's own
    /// default (3 × the preset's dictionary), so memory stays bounded whatever the input size. The size is kept in
    /// <see cref="InputSize"/>.
    /// </summary>
    public XzSettings ForInputSize(long? size)
    {
        if (size is not > 0)
        {
            return this;
        }

        if (BlockSize != 0)
        {
            return this with { InputSize = size };
        }

        var threads = Threads > 0 ? Threads : Environment.ProcessorCount;
        var perThread = Math.Max(MinimumSplitBlock, (size.Value + threads - 1) / threads);
        return this with { BlockSize = Math.Min(perThread, 3 * DictionarySize(Preset)), InputSize = size };
    }

    /// <summary>
    /// liblzma's estimate of the memory the encoder needs with <paramref name="threads"/> threads (its
    /// <c>lzma_stream_encoder_mt_memusage</c>: per thread the match finder and dictionary, the block's input and output
    /// buffers, plus the output queue).
    /// </summary>
    /// <exception cref="ArgumentException">liblzma rejects these settings.</exception>
    public long EncoderMemoryUsage(int threads) => LzmaHandle.EncoderMemoryUsage(this, threads);

    /// <summary>The most threads worth starting: <see cref="Threads"/> (0: one per processor), no more than the input has blocks.</summary>
    internal int MaxThreads
    {
        get
        {
            var threads = Threads > 0 ? Threads : Environment.ProcessorCount;
            if (InputSize is not { } size)
            {
                return threads;
            }

            var block = BlockSize > 0 ? BlockSize : Math.Max(3 * DictionarySize(Preset), 1L << 20);
            return (int)Math.Clamp((size + block - 1) / block, 1, threads);
        }
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
