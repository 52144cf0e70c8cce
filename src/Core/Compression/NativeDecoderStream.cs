using System.Buffers;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Compression;

/// <summary>
/// The read-only stream plumbing shared by the native decoders (<see cref="XzDecoderStream"/>, <see cref="GzipDecoderStream"/>):
/// one pooled 1 MiB input buffer refilled from the wrapped stream, sync and async reads, and disposal. A subclass
/// decodes from <see cref="Buffer"/>[<see cref="Start"/>..<see cref="End"/>) in <see cref="TryDecode"/>.
/// </summary>
public abstract class NativeDecoderStream : ReadOnlyWrapperStream
{
    private const int BufferSize = 1 << 20;

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <param name="input">Supplies the compressed bytes.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    protected NativeDecoderStream(Stream input, bool leaveOpen)
    {
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        _input = input;
        _leaveOpen = leaveOpen;
        Buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Compressed bytes read from the input; the unread ones are <c>[Start, End)</c>.</summary>
    protected byte[] Buffer { get; private set; }

    protected int Start { get; set; }

    protected int End { get; private set; }

    /// <summary>The wrapped stream has no more bytes.</summary>
    protected bool InputEnded { get; private set; }

    /// <summary>The compressed data has ended; reads return 0.</summary>
    protected bool StreamEnded { get; set; }

    public override bool CanRead => !_disposed;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (NeedsInput)
            {
                Filled(_input.Read(Buffer));
            }

            if (TryDecode(buffer, out var produced))
            {
                return produced;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (NeedsInput)
            {
                Filled(await _input.ReadAsync(Buffer, cancellationToken));
            }

            if (TryDecode(buffer.Span, out var produced))
            {
                return produced;
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Release();
            if (!_leaveOpen)
            {
                await _input.DisposeAsync();
            }
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Release();
            if (!_leaveOpen)
            {
                _input.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private bool NeedsInput => Start == End && !InputEnded && !StreamEnded;

    private void Filled(int count)
    {
        Start = 0;
        End = count;
        InputEnded = count == 0;
    }

    /// <summary>Decodes once; true when <paramref name="produced"/> is the answer for Read (data, or 0 at the end).</summary>
    protected abstract bool TryDecode(Span<byte> output, out int produced);

    /// <summary>Frees the native decoder.</summary>
    protected abstract void ReleaseNative();

    private void Release()
    {
        ReleaseNative();
        ArrayPool<byte>.Shared.Return(Buffer);
        Buffer = [];
    }
}
