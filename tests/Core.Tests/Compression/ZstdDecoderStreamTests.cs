using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>SharpCompress's zstd decoder behind <see cref="ZstdDecoderStream"/>, fed what the system's <c>zstd</c> and <c>pzstd</c> write.</summary>
public sealed class ZstdDecoderStreamTests
{
    public sealed class Read
    {
        [Theory]
        [InlineData("-1")]
        [InlineData("-19")]
        [InlineData("--long=27")]
        public async Task DecodesWhatTheZstdToolCompressed(string level)
        {
            var data = SemiRandomStream.Bytes(3_000_000, seed: 40);

            Assert.Equal(data, Decompress(await ZstdAsync(data, level)));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4097)]
        public async Task ReturnsTheSameBytesWithOneByteAndOddSizedReads(int readSize)
        {
            var data = SemiRandomStream.Bytes(readSize == 1 ? 50_000 : 2_500_000, seed: 41);

            Assert.Equal(data, Decompress(await ZstdAsync(data), readSize));
        }

        [Fact]
        public async Task DecodesEveryFrameOfAConcatenatedFile()
        {
            var first = SemiRandomStream.Bytes(300_000, seed: 42);
            var second = SemiRandomStream.Bytes(200_001, seed: 43);

            byte[] concatenated = [.. await ZstdAsync(first), .. await ZstdAsync(second)];

            Assert.Equal([.. first, .. second], Decompress(concatenated));
        }

        [Fact]
        public async Task DecodesWhatPzstdWritesSkippableFramesIncluded()
        {
            var data = SemiRandomStream.Bytes(3_000_000, seed: 44);

            var pzstd = await ExternalTool.CompressAsync("pzstd", data, "-q", "-p", "2");

            Assert.True(ZstdDecoderStream.IsZstd(pzstd));
            Assert.Equal(data, Decompress(pzstd));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        [InlineData(100_000)]
        public async Task RefusesAFileCutShort(int missing)
        {
            var zst = await ZstdAsync(SemiRandomStream.Bytes(500_000, seed: 45));

            var error = Assert.Throws<InvalidDataException>(() => Decompress(zst[..^missing]));

            Assert.StartsWith("The zstd data is truncated: the input ended after", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesDataThatDoesNotMatchTheFrameChecksum()
        {
            var zst = await ZstdAsync(SemiRandomStream.Bytes(500_000, seed: 46));
            zst[^1] ^= 0xFF;

            var error = Assert.Throws<InvalidDataException>(() => Decompress(zst));

            Assert.StartsWith("The zstd data is corrupt near compressed byte", error.Message, StringComparison.Ordinal);
            Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesGarbageAfterTheLastFrame()
        {
            var zst = await ZstdAsync(SemiRandomStream.Bytes(10_000, seed: 47));

            var error = Assert.Throws<InvalidDataException>(() => Decompress([.. zst, 0, 0, (byte)'x', 0, 0, 0, 0, 0, 0, 0]));

            Assert.StartsWith("The zstd data is corrupt near compressed byte", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAFrameNeedingAWindowLargerThan128MiB()
        {
            // A frame header declaring a 2 GiB window (--long=31) and no content size, then an empty last block.
            byte[] frame = [0x28, 0xB5, 0x2F, 0xFD, 0x00, (31 - 10) << 3, 0x01, 0x00, 0x00];

            var error = Assert.Throws<InvalidDataException>(() => Decompress(frame));

            Assert.Equal(
                "The zstd data is corrupt near compressed byte 9: a frame needs a window larger than the 128 MiB this server decodes with (compress with zstd --long=27 or less, not --long=31).",
                error.Message);
        }

        [Fact]
        public void RefusesAnEmptyInput() =>
            Assert.Equal("The input is empty, not a zstd file.", Assert.Throws<InvalidDataException>(() => Decompress([])).Message);

        [Fact]
        public void RefusesSomethingThatIsNotZstd() =>
            Assert.StartsWith("The zstd data is corrupt near compressed byte", Assert.Throws<InvalidDataException>(() => Decompress("plain text, no zstd frame"u8.ToArray())).Message, StringComparison.Ordinal);

        [Fact]
        public async Task RethrowsWhatTheInputThrowsInsteadOfCallingTheDataBad()
        {
            var zst = await ZstdAsync(SemiRandomStream.Bytes(2_000_000, seed: 48));
            using var decoder = new ZstdDecoderStream(new FailingStream(zst, zst.Length / 2));

            var error = Assert.Throws<IOException>(() => decoder.CopyTo(Stream.Null));

            Assert.Equal("Input/output error (the disk failed)", error.Message);
        }

        [Fact]
        public async Task DecodesAsynchronouslyWithoutASynchronousRead()
        {
            var data = SemiRandomStream.Bytes(1_000_000, seed: 49);
            await using var decoder = new ZstdDecoderStream(new AsyncOnlyStream(new MemoryStream(await ZstdAsync(data))));
            using var decoded = new MemoryStream();

            await decoder.CopyToAsync(decoded);

            Assert.Equal(data, decoded.ToArray());
        }

        [Fact]
        public async Task StopsWhenCancelled()
        {
            await using var decoder = new ZstdDecoderStream(new MemoryStream(await ZstdAsync(SemiRandomStream.Bytes(100_000, seed: 50))));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoder.ReadAsync(new byte[100], new CancellationToken(canceled: true)).AsTask());
        }
    }

    public sealed class ContentSizeOrNull
    {
        [Fact]
        public async Task ReadsTheSizeTheZstdToolDeclaresForAFile()
        {
            var data = SemiRandomStream.Bytes(1_234_567, seed: 51);

            var zst = await ZstdAsync(data, $"--stream-size={data.Length}");

            Assert.Equal(data.Length, ZstdDecoderStream.ContentSizeOrNull(zst.AsSpan(0, ZstdDecoderStream.MaxFrameHeaderSize)));
        }

        [Fact]
        public async Task IsNullWhenTheFrameDeclaresNoSize()
        {
            var zst = await ZstdAsync(SemiRandomStream.Bytes(100_000, seed: 52));

            Assert.Null(ZstdDecoderStream.ContentSizeOrNull(zst.AsSpan(0, ZstdDecoderStream.MaxFrameHeaderSize)));
        }

        [Fact]
        public void IsNullForSomethingThatIsNotAFrame()
        {
            Assert.Null(ZstdDecoderStream.ContentSizeOrNull("BZh91AY&SY not zstd at all"u8));
            Assert.Null(ZstdDecoderStream.ContentSizeOrNull([]));
        }
    }

    /// <summary>zstd from standard input, which does not know the size and so declares none (unless told with --stream-size).</summary>
    private static Task<byte[]> ZstdAsync(byte[] data, params string[] options) => ExternalTool.CompressAsync("zstd", data, ["-q", .. options]);

    private static byte[] Decompress(byte[] zst, int readSize = 81920)
    {
        using var decoder = new ZstdDecoderStream(new MemoryStream(zst));
        using var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
