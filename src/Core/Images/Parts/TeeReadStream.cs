using System.Buffers;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// A read-through stream: every byte read from <paramref name="inner"/> is also written, in order, to
/// <paramref name="sink"/>, gathered into 1 MiB writes. Call <see cref="FlushSinkAsync"/> after the last read.
/// Neither stream is disposed.
/// </summary>
internal sealed class TeeReadStream(Stream inner, Stream sink) : ReadOnlyWrapperStream
{
    private const int GatherSize = 1 << 20;

    private byte[] _pending = ArrayPool<byte>.Shared.Rent(GatherSize);
    private int _count;

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        ReadOnlySpan<byte> data = buffer[..read];
        while (!data.IsEmpty)
        {
            data = Gather(data);
            if (_count == GatherSize)
            {
                sink.Write(_pending, 0, _count);
                _count = 0;
            }
        }

        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        ReadOnlyMemory<byte> data = buffer[..read];
        while (!data.IsEmpty)
        {
            data = data[(data.Length - Gather(data.Span).Length)..];
            if (_count == GatherSize)
            {
                await sink.WriteAsync(_pending.AsMemory(0, _count), cancellationToken);
                _count = 0;
            }
        }

        return read;
    }

    /// <summary>Writes the bytes still gathered to the sink.</summary>
    public async Task FlushSinkAsync(CancellationToken cancellationToken)
    {
        if (_count > 0)
        {
            await sink.WriteAsync(_pending.AsMemory(0, _count), cancellationToken);
            _count = 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies what fits into the gather buffer; returns the rest.</summary>
    private ReadOnlySpan<byte> Gather(ReadOnlySpan<byte> data)
    {
        var count = Math.Min(data.Length, GatherSize - _count);
        data[..count].CopyTo(_pending.AsSpan(_count));
        _count += count;
        return data[count..];
    }
}
