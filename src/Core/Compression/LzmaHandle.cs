using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>
/// Owns one native <c>lzma_stream</c> and its coder state. Releasing it runs <c>lzma_end</c>,
/// so the native memory is freed even if a stream that uses it is never disposed.
/// </summary>
internal sealed unsafe class LzmaHandle : SafeHandle
{
    /// <summary>What an encoder holds of its memory budget, given back when the native coder is freed.</summary>
    private XzMemoryReservation? _reservation;

    public LzmaHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(LzmaStream)));
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Compressed bytes consumed (decoder) or uncompressed bytes consumed (encoder) so far.</summary>
    public ulong TotalIn => State->TotalIn;

    private LzmaStream* State => (LzmaStream*)handle;

    /// <summary>
    /// Longest a multi-threaded <c>lzma_code</c> call waits for a worker before returning LZMA_OK without progress,
    /// so a caller can notice cancellation instead of waiting for a whole block (minutes at -9 with big blocks).
    /// </summary>
    private const uint EncoderTimeoutMilliseconds = 200;

    /// <summary>An encoder for <paramref name="settings"/> running <paramref name="threads"/> threads; releasing the handle gives <paramref name="reservation"/> back.</summary>
    public static LzmaHandle CreateEncoder(XzSettings settings, int threads, XzMemoryReservation? reservation)
    {
        var options = EncoderOptions(settings, threads);
        var lzma = new LzmaHandle { _reservation = reservation };
        var code = LzmaNative.StreamEncoderMt(lzma.State, &options);
        if (code != LzmaReturn.Ok)
        {
            lzma.Dispose();
            throw LzmaErrors.ForEncoder(code);
        }

        return lzma;
    }

    /// <summary>liblzma's estimate of the memory an encoder for <paramref name="settings"/> with <paramref name="threads"/> threads needs.</summary>
    /// <exception cref="ArgumentException">liblzma rejects the settings (LZMA_OPTIONS_ERROR).</exception>
    public static long EncoderMemoryUsage(XzSettings settings, int threads)
    {
        var options = EncoderOptions(settings, threads);
        var bytes = LzmaNative.StreamEncoderMtMemUsage(&options);
        return bytes == ulong.MaxValue ? throw LzmaErrors.ForEncoder(LzmaReturn.OptionsError) : (long)Math.Min(bytes, long.MaxValue);
    }

    /// <param name="threads">Worker threads; 0 means <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="memoryLimit">Decoding a file that needs more memory than this fails (LZMA_MEMLIMIT_ERROR) instead of allocating it.</param>
    public static LzmaHandle CreateDecoder(int threads, long memoryLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLimit, 1);

        // Without memlimit_threading the decoder stays single-threaded. A quarter of RAM is what xz uses; that limit
        // only reduces threads. memlimit_stop is what makes decoding fail rather than allocate more.
        var physical = LzmaNative.PhysMem();
        var options = new LzmaMt
        {
            Flags = LzmaNative.Concatenated,
            Threads = ResolveThreads(threads),
            MemlimitThreading = Math.Min(physical == 0 ? 1UL << 30 : physical / 4, (ulong)memoryLimit),
            MemlimitStop = (ulong)memoryLimit,
        };
        var lzma = new LzmaHandle();
        var code = LzmaNative.StreamDecoderMt(lzma.State, &options);
        if (code != LzmaReturn.Ok)
        {
            lzma.Dispose();
            throw LzmaErrors.ForDecoder(code, 0);
        }

        return lzma;
    }

    /// <summary>The memory the coder uses now; after LZMA_MEMLIMIT_ERROR, the memory it would need to go on.</summary>
    public ulong MemoryUsage
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            var usage = LzmaNative.MemUsage(State);
            GC.KeepAlive(this);
            return usage;
        }
    }

    private static LzmaMt EncoderOptions(XzSettings settings, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Preset, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Preset, 9, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.BlockSize, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Threads, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(threads);

        return new LzmaMt
        {
            Threads = ResolveThreads(threads),
            BlockSize = (ulong)settings.BlockSize,
            Timeout = EncoderTimeoutMilliseconds,
            Preset = (uint)settings.Preset | (settings.Extreme ? LzmaNative.PresetExtreme : 0),
            Check = LzmaNative.CheckCrc64,
        };
    }

    /// <summary>Runs <c>lzma_code</c> once from <paramref name="input"/> into <paramref name="output"/>.</summary>
    public LzmaReturn Code(ReadOnlySpan<byte> input, Span<byte> output, LzmaAction action, out int consumed, out int produced)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var state = State;
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            state->NextIn = inPtr;
            state->AvailIn = (nuint)input.Length;
            state->NextOut = outPtr;
            state->AvailOut = (nuint)output.Length;
            var code = LzmaNative.Code(state, action);
            consumed = input.Length - (int)state->AvailIn;
            produced = output.Length - (int)state->AvailOut;

            // The spans are only pinned for this call; leave no dangling pointers behind.
            state->NextIn = null;
            state->AvailIn = 0;
            state->NextOut = null;
            state->AvailOut = 0;

            // Only the raw pointer was used above; keep the handle from being finalized during the native call.
            GC.KeepAlive(this);
            return code;
        }
    }

    protected override bool ReleaseHandle()
    {
        LzmaNative.End((LzmaStream*)handle);
        NativeMemory.Free((void*)handle);

        // Also when the stream using the handle was never disposed and the finalizer gets here.
        _reservation?.Release();
        return true;
    }

    private static uint ResolveThreads(int threads) => (uint)(threads == 0 ? Environment.ProcessorCount : threads);
}
