namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// A tar entry's data as it is read from the archive, with cancellation checked on every read. It claims to be
/// seekable and knows its length and position, because that is all <see cref="System.Formats.Tar.TarWriter"/> needs
/// to stream an entry into an unseekable output (such as an xz encoder); it cannot actually move.
/// </summary>
internal sealed class EntryDataStream(Stream inner, CancellationToken cancellationToken) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = inner.Read(buffer);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return target == _position ? _position : throw new NotSupportedException("A tar entry's data can only be read forward.");
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
