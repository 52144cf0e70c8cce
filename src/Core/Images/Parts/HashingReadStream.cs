using System.Buffers;
using System.Security.Cryptography;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Reads <paramref name="inner"/> in 1 MiB blocks and hashes each block (SHA-256) as it arrives, so the input file's
/// hash costs no second read. Small reads are served from the block.
/// </summary>
/// <param name="inner">The stream to read.</param>
/// <param name="progress">Told the bytes read so far after every block, if given.</param>
internal sealed class HashingReadStream(Stream inner, IProgress<long>? progress = null) : ReadOnlyWrapperStream
{
    private const int BlockSize = 1 << 20;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _start;
    private int _end;

    /// <summary>Bytes read from the inner stream (and hashed) so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Lowercase hex SHA-256 of every byte read so far.</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_start == _end)
        {
            if (buffer.Length >= BlockSize)
            {
                return Hashed(buffer, inner.Read(buffer));
            }

            _start = 0;
            _end = Hashed(_block, inner.Read(_block, 0, BlockSize));
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
            if (buffer.Length >= BlockSize)
            {
                var read = await inner.ReadAsync(buffer, cancellationToken);
                return Hashed(buffer.Span, read);
            }

            _start = 0;
            var filled = await inner.ReadAsync(_block.AsMemory(0, BlockSize), cancellationToken);
            _end = Hashed(_block, filled);
        }

        return Serve(buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _block.Length > 0)
        {
            _sha256.Dispose();
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }

        base.Dispose(disposing);
    }

    private int Hashed(Span<byte> data, int count)
    {
        _sha256.AppendData(data[..count]);
        BytesRead += count;
        progress?.Report(BytesRead);
        return count;
    }

    private int Serve(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _end - _start);
        _block.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }
}
