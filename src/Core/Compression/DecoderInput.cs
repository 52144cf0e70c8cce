using System.Buffers;
using System.Runtime.ExceptionServices;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Compression;

/// <summary>
/// The input of a <see cref="SharpCompressDecoderStream"/>'s decoder: <see cref="Inner"/> read through a pooled 64 KiB
/// buffer (SharpCompress's bzip2 reads byte by byte), counting the bytes handed out, noting when a read found the end,
/// keeping what <see cref="Inner"/> threw, and letting the next bytes be looked at before a decoder takes them. Not
/// thread-safe; never disposes <see cref="Inner"/>.
/// </summary>
internal sealed class DecoderInput(Stream inner) : ReadOnlyWrapperStream
{
    private const int BufferSize = 1 << 16;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;

    public Stream Inner => inner;

    /// <summary>Bytes handed to the decoder so far.</summary>
    public long Served { get; private set; }

    /// <summary>A read found no more bytes.</summary>
    public bool Ended { get; private set; }

    /// <summary>What a read of <see cref="Inner"/> threw, if one did.</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    public override int ReadByte()
    {
        if (_start == _end && !Filled(ReadInner(_buffer.AsSpan(0, BufferSize))))
        {
            return -1;
        }

        Served++;
        return _buffer[_start++];
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_start == _end && !Filled(ReadInner(_buffer.AsSpan(0, BufferSize))))
        {
            return 0;
        }

        return Serve(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_start == _end)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(_buffer.AsMemory(0, BufferSize), cancellationToken);
            }
            catch (Exception e)
            {
                Failure = ExceptionDispatchInfo.Capture(e);
                throw;
            }

            if (!Filled(read))
            {
                return 0;
            }
        }

        return Serve(buffer.Span);
    }

    /// <summary>The next bytes, up to <paramref name="count"/> of them (fewer only at the end of the input), without taking them.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        while (_end - _start < count && Appended(ReadInner(FreeSpace().Span)))
        {
        }

        return _buffer.AsSpan(_start, Math.Min(count, _end - _start));
    }

    /// <summary><see cref="Peek"/>, reading asynchronously; the bytes are then at <see cref="Peeked"/>.</summary>
    public async ValueTask PeekAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(FreeSpace(), cancellationToken);
            }
            catch (Exception e)
            {
                Failure = ExceptionDispatchInfo.Capture(e);
                throw;
            }

            if (!Appended(read))
            {
                break;
            }
        }
    }

    /// <summary>The bytes <see cref="PeekAsync"/> made ready, up to <paramref name="count"/> of them.</summary>
    public ReadOnlySpan<byte> Peeked(int count) => _buffer.AsSpan(_start, Math.Min(count, _end - _start));

    /// <summary>Returns the buffer to the pool; the stream must not be read afterwards.</summary>
    public void Release()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _start = _end = 0;
        }
    }

    private int ReadInner(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e)
        {
            Failure = ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    /// <summary>The room after the unread bytes, once they are moved to the start of the buffer.</summary>
    private Memory<byte> FreeSpace()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        return _buffer.AsMemory(_end, BufferSize - _end);
    }

    private bool Appended(int read)
    {
        _end += read;
        Ended |= read == 0;
        return read > 0;
    }

    private bool Filled(int read)
    {
        _start = 0;
        _end = read;
        Ended |= read == 0;
        return read > 0;
    }

    private int Serve(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        Served += count;
        return count;
    }
}
