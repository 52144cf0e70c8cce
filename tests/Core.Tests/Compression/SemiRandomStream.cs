using System.Buffers.Binary;

namespace SystemImage.Core.Tests.Compression;

/// <summary>
/// A read-only stream of <paramref name="length"/> deterministic, semi-compressible bytes (words from a
/// small vocabulary mixed with random runs), generated block by block so it is never held in memory.
/// </summary>
internal sealed class SemiRandomStream(long length, ulong seed) : Stream
{
    private const int BlockSize = 64 * 1024;

    private readonly byte[][] _words = CreateVocabulary(seed);
    private readonly byte[] _block = new byte[BlockSize];
    private ulong _state = seed * 0x9E3779B97F4A7C15UL | 1;
    private int _blockPosition = BlockSize;
    private long _position;

    public static byte[] Bytes(int length, ulong seed)
    {
        var data = new byte[length];
        using var stream = new SemiRandomStream(length, seed);
        stream.ReadExactly(data);
        return data;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (!buffer.IsEmpty && _position < length)
        {
            if (_blockPosition == BlockSize)
            {
                FillBlock();
            }

            var count = (int)Math.Min(Math.Min(buffer.Length, BlockSize - _blockPosition), length - _position);
            _block.AsSpan(_blockPosition, count).CopyTo(buffer);
            buffer = buffer[count..];
            _blockPosition += count;
            _position += count;
            total += count;
        }

        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void FillBlock()
    {
        Span<byte> random = stackalloc byte[sizeof(ulong)];
        var i = 0;
        while (i < BlockSize)
        {
            var r = Next(ref _state);
            ReadOnlySpan<byte> token = random;
            if ((r & 3) != 0)
            {
                token = _words[(int)((r >> 8) % (ulong)_words.Length)];
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(random, Next(ref _state));
            }

            token = token[..Math.Min(token.Length, BlockSize - i)];
            token.CopyTo(_block.AsSpan(i));
            i += token.Length;
        }

        _blockPosition = 0;
    }

    private static byte[][] CreateVocabulary(ulong seed)
    {
        var state = seed + 1;
        var words = new byte[512][];
        for (var w = 0; w < words.Length; w++)
        {
            var word = new byte[3 + (int)(Next(ref state) % 8) + 1];
            for (var c = 0; c < word.Length - 1; c++)
            {
                word[c] = (byte)('a' + (int)(Next(ref state) % 26));
            }

            word[^1] = (byte)' ';
            words[w] = word;
        }

        return words;
    }

    // xorshift64*
    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }
}
