using SystemImage.Core.Storage;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Serves <paramref name="data"/> up to <paramref name="failAt"/> bytes, then throws an <see cref="IOException"/>, as a failing disk would.</summary>
internal sealed class FailingStream(byte[] data, int failAt) : ReadOnlyWrapperStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAt)
        {
            throw new IOException("Input/output error (the disk failed)");
        }

        var count = Math.Min(buffer.Length, failAt - _position);
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
