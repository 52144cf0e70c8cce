using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>
/// Owns one native <c>lzma_stream</c> and its coder state. Releasing it runs <c>lzma_end</c>,
/// so the native memory is freed even if a stream that uses it is never disposed.
/// </summary>
internal sealed unsafe class LzmaHandle : SafeHandle
{
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

    public static LzmaHandle CreateEncoder(XzSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Preset, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Preset, 9, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.BlockSize, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Threads, nameof(settings));

        var options = new LzmaMt
        {
            Threads = ResolveThreads(settings.Threads),
            BlockSize = (ulong)settings.BlockSize,
            Timeout = EncoderTimeoutMilliseconds,
            Preset = (uint)settings.Preset | (settings.Extreme ? LzmaNative.PresetExtreme : 0),
            Check = LzmaNative.CheckCrc64,
        };
        var lzma = new LzmaHandle();
        var code = LzmaNative.StreamEncoderMt(lzma.State, &options);
        if (code != LzmaReturn.Ok)
        {
            lzma.Dispose();
            throw LzmaErrors.ForEncoder(code);
        }

        return lzma;
    }

    public static LzmaHandle CreateDecoder(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);

        // Without memlimit_threading the decoder stays single-threaded. A quarter of RAM is what xz uses;
        // the limit only reduces threads, it never makes decoding fail.
        var physical = LzmaNative.PhysMem();
        var options = new LzmaMt
        {
            Flags = LzmaNative.Concatenated,
            Threads = ResolveThreads(threads),
            MemlimitThreading = physical == 0 ? 1UL << 30 : physical / 4,
            MemlimitStop = ulong.MaxValue,
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
        return true;
    }

    private static uint ResolveThreads(int threads) => (uint)(threads == 0 ? Environment.ProcessorCount : threads);
}
