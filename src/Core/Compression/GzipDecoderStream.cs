using System.Buffers;

namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses gzip with the system zlib. Unlike <see cref="System.IO.Compression.GZipStream"/>,
/// which returns end-of-stream when its input stops early, input that is truncated, corrupt (including a wrong CRC or
/// length in a member's trailer) or followed by anything but another gzip member or zero padding throws
/// <see cref="InvalidDataException"/>. Accepts multi-member files like <c>gzip -d</c>. Not thread-safe.
/// </summary>
public sealed class GzipDecoderStream : Stream
{
    private const int BufferSize = 1 << 20;
    private const byte FirstMagicByte = 0x1F;

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly InflateHandle _zlib;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _totalIn;
    private bool _inputEnded;
    private bool _memberEnded;
    private bool _inPadding;
    private bool _streamEnded;
    private bool _disposed;

    /// <param name="input">Supplies the compressed bytes; it is read to its end.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    public GzipDecoderStream(Stream input, bool leaveOpen = false)
    {
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        _zlib = InflateHandle.CreateGzipDecoder();
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

        if (_inputEnded && _totalIn == 0)
        {
            throw new InvalidDataException("The input is empty, not a gzip file.");
        }

        if (_memberEnded)
        {
            return AfterMember();
        }

        var code = _zlib.Inflate(_buffer.AsSpan(_start, _end - _start), output, out var consumed, out produced);
        _start += consumed;
        _totalIn += consumed;
        switch (code)
        {
            case ZlibReturn.StreamEnd:
                _memberEnded = true;
                return produced > 0;
            case ZlibReturn.Ok when produced > 0:
                return true;
            case ZlibReturn.Ok or ZlibReturn.BufError when !_inputEnded:
                return false;
            case ZlibReturn.Ok or ZlibReturn.BufError:
                throw new InvalidDataException($"The gzip data is truncated: the input ended after {_totalIn} bytes, before the end of the compressed stream.");
            case ZlibReturn.DataError or ZlibReturn.NeedDictionary:
                throw new InvalidDataException($"The gzip data is corrupt near compressed byte {_totalIn}: {_zlib.Message ?? code.ToString()}.");
            case ZlibReturn.MemError:
                throw new InsufficientMemoryException("zlib could not allocate memory for the gzip decoder (Z_MEM_ERROR).");
            default:
                throw new InvalidOperationException($"zlib returned an unexpected code {(int)code} ({code}).");
        }
    }

    /// <summary>Between members: another member, zero padding to the end (as <c>gzip -d</c> allows), or the end.</summary>
    private bool AfterMember()
    {
        if (_start == _end)
        {
            _streamEnded = _inputEnded;
            return _streamEnded;
        }

        if (!_inPadding && _buffer[_start] == FirstMagicByte)
        {
            _zlib.Reset();
            _memberEnded = false;
            return false;
        }

        var data = _buffer.AsSpan(_start, _end - _start);
        var garbage = data.IndexOfAnyExcept((byte)0);
        if (garbage >= 0)
        {
            throw new InvalidDataException($"The gzip file has unexpected data after the end of its compressed stream, at byte {_totalIn + garbage}.");
        }

        _inPadding = true;
        _totalIn += data.Length;
        _start = _end;
        return false;
    }

    private void Release()
    {
        _zlib.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
