using System.Buffers;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Sits between <see cref="System.Formats.Tar.TarReader"/> and the decompressed tar. It counts the bytes read, keeps
/// the first 512-byte header for the magic check, bounds how much one header (with its GNU long-name and PAX records)
/// may read so a crafted archive cannot make the reader buffer gigabytes, checks every header's checksum, and remembers whether the stream below
/// failed, so a decoder's error is not mistaken for a tar parsing error.
/// </summary>
internal sealed class TarReadGuard(Stream inner) : ReadOnlyWrapperStream
{
    /// <summary>Most bytes one entry's headers may take; long names are at most a few KiB in practice.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private const int BlockSize = 512;

    private readonly byte[] _firstBlock = new byte[BlockSize];
    private readonly ArrayBufferWriter<byte> _header = new(BlockSize);
    private long _limit = long.MaxValue;
    private long _headerStart = -1;

    /// <summary>Bytes of tar read so far.</summary>
    public long Consumed { get; private set; }

    /// <summary>True once a read from the stream below threw.</summary>
    public bool InnerFailed { get; private set; }

    /// <summary>The start of the archive: up to its first 512 bytes.</summary>
    public ReadOnlySpan<byte> FirstBlock => _firstBlock.AsSpan(0, (int)Math.Min(Consumed, BlockSize));

    /// <summary>
    /// From now on, refuse to read more than <see cref="MaxHeaderBytes"/> until <see cref="EndHeader"/>, and keep what
    /// is read to check its header checksums then.
    /// </summary>
    public void BeginHeader()
    {
        _limit = Consumed + MaxHeaderBytes;
        _headerStart = Consumed;
        _header.ResetWrittenCount();
    }

    /// <summary>Ends what <see cref="BeginHeader"/> began and checks the checksum of every header block read since.</summary>
    /// <exception cref="PartRefusedException">A header's checksum does not match.</exception>
    public void EndHeader()
    {
        _limit = long.MaxValue;
        var start = _headerStart;
        _headerStart = -1;
        TarHeaderChecksum.Verify(_header.WrittenSpan, start);
    }

    public override int Read(Span<byte> buffer)
    {
        buffer = Bounded(buffer);
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch
        {
            InnerFailed = true;
            throw;
        }

        return Counted(buffer, read);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        buffer = buffer[..Bounded(buffer.Span).Length];
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch
        {
            InnerFailed = true;
            throw;
        }

        return Counted(buffer.Span, read);
    }

    private Span<byte> Bounded(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return buffer;
        }

        var allowed = _limit - Consumed;
        if (allowed <= 0)
        {
            throw new PartRefusedException(
                $"a tar header with its long-name or PAX records is larger than {MaxHeaderBytes / (1024 * 1024)} MiB, near byte {Consumed}");
        }

        return buffer.Length > allowed ? buffer[..(int)allowed] : buffer;
    }

    private int Counted(ReadOnlySpan<byte> buffer, int read)
    {
        if (Consumed < BlockSize)
        {
            var head = (int)Math.Min(read, BlockSize - Consumed);
            buffer[..head].CopyTo(_firstBlock.AsSpan((int)Consumed));
        }

        if (_headerStart >= 0)
        {
            _header.Write(buffer[..read]);
        }

        Consumed += read;
        return read;
    }
}
