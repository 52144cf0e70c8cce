using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>
/// Owns one native <c>z_stream</c> set up for gzip inflation. Releasing it runs <c>inflateEnd</c>,
/// so the native memory is freed even if the stream that uses it is never disposed.
/// </summary>
internal sealed unsafe class InflateHandle : SafeHandle
{
    public InflateHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(ZStream)));
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>zlib's description of the last error (e.g. "incorrect data check"), if it gave one.</summary>
    public string? Message => State->Message == null ? null : Marshal.PtrToStringUTF8((nint)State->Message);

    private ZStream* State => (ZStream*)handle;

    public static InflateHandle CreateGzipDecoder()
    {
        var zlib = new InflateHandle();
        var code = (ZlibReturn)ZlibNative.InflateInit(zlib.State);
        if (code != ZlibReturn.Ok)
        {
            // inflateEnd on a stream whose init failed is a harmless no-op, so Dispose frees just our block.
            zlib.Dispose();
            throw code == ZlibReturn.MemError
                ? new InsufficientMemoryException("zlib could not allocate memory for the gzip decoder (Z_MEM_ERROR).")
                : new InvalidOperationException($"zlib refused to set up a gzip decoder ({code}); libz.so.1 is too old or not zlib.");
        }

        return zlib;
    }

    /// <summary>Runs <c>inflate</c> once from <paramref name="input"/> into <paramref name="output"/>.</summary>
    public ZlibReturn Inflate(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var state = State;
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            state->NextIn = inPtr;
            state->AvailIn = (uint)input.Length;
            state->NextOut = outPtr;
            state->AvailOut = (uint)output.Length;
            var code = (ZlibReturn)ZlibNative.Inflate(state, ZlibNative.NoFlush);
            consumed = input.Length - (int)state->AvailIn;
            produced = output.Length - (int)state->AvailOut;

            // The spans are only pinned for this call; leave no dangling pointers behind.
            state->NextIn = null;
            state->AvailIn = 0;
            state->NextOut = null;
            state->AvailOut = 0;
            GC.KeepAlive(this);
            return code;
        }
    }

    /// <summary>Gets ready for the next gzip member of a multi-member file.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var code = (ZlibReturn)ZlibNative.InflateReset(State);
        GC.KeepAlive(this);
        if (code != ZlibReturn.Ok)
        {
            throw new InvalidOperationException($"zlib could not reset the gzip decoder ({code}).");
        }
    }

    protected override bool ReleaseHandle()
    {
        _ = ZlibNative.InflateEnd((ZStream*)handle);
        NativeMemory.Free((void*)handle);
        return true;
    }
}
