using System.Buffers;

namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses .xz with liblzma's multi-threaded decoder. Accepts concatenated
/// .xz streams like <c>xz -d</c>; input that is not .xz, truncated or corrupt throws
/// <see cref="InvalidDataException"/>. Not thread-safe.
/// </summary>
public sealed class XzDecoderStream : Stream
{
    private const int BufferSize = 1 << 20;

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly LzmaHandle _lzma;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _inputEnded;
    private bool _streamEnded;
    private bool _disposed;

    /// <param name="input">Supplies the compressed bytes.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    /// <param name="threads">Worker threads; 0 means <see cref="Environment.ProcessorCount"/>. Multi-block files decode in parallel.</param>
    public XzDecoderStream(Stream input, bool leaveOpen = false, int threads = 0)
    {
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        _lzma = LzmaHandle.CreateDecoder(threads);
        _input = input;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (NeedsInput)
            {
                Filled(_input.Read(_buffer));
            }

            if (TryDecode(buffer, out var produced))
            {
                return produced;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (NeedsInput)
            {
                Filled(await _input.ReadAsync(_buffer, cancellationToken));
            }

            if (TryDecode(buffer.Span, out var produced))
            {
                return produced;
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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

    private bool NeedsInput => _start == _end && !_inputEnded && !_streamEnded;

    private void Filled(int count)
    {
        _start = 0;
        _end = count;
        _inputEnded = count == 0;
    }

    /// <summary>Decodes once; true when <paramref name="produced"/> is the answer for Read (data, or 0 at the end).</summary>
    private bool TryDecode(Span<byte> output, out int produced)
    {
        produced = 0;
        if (_streamEnded || output.IsEmpty)
        {
            return true;
        }

        if (_inputEnded && _lzma.TotalIn == 0)
        {
            throw new InvalidDataException("The input is empty, not an .xz file.");
        }

        // LZMA_CONCATENATED: liblzma reports the end only after LZMA_FINISH, i.e. once the input is exhausted.
        var action = _inputEnded ? LzmaAction.Finish : LzmaAction.Run;
        var code = _lzma.Code(_buffer.AsSpan(_start, _end - _start), output, action, out var consumed, out produced);
        _start += consumed;
        switch (code)
        {
            case LzmaReturn.StreamEnd:
                _streamEnded = true;
                return true;
            case LzmaReturn.Ok:
                return produced > 0;
            default:
                throw LzmaErrors.ForDecoder(code, _lzma.TotalIn);
        }
    }

    private void Release()
    {
        _lzma.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
