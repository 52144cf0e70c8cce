namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>Reads or writes a memory stream like <c>XzDecoderStream</c> and <c>XzEncoderStream</c> do: no seeking, no length.</summary>
internal sealed class ForwardOnlyStream(MemoryStream inner) : Stream
{
    public ForwardOnlyStream(byte[] data)
        : this(new MemoryStream(data, writable: false))
    {
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
