using System.Text;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzDecoderStreamTests
{
    public sealed class Read
    {
        [Fact]
        public async Task DecodesAFileMadeByXz9()
        {
            var data = SemiRandomStream.Bytes(1_500_000, seed: 10);
            var xz = await ExternalXz.CompressAsync(data, "-9");

            Assert.Equal(data, InProcessXz.Decompress(xz));
        }

        [Fact]
        public async Task DecodesAMultiBlockFileMadeByXzWithTwoThreads()
        {
            var data = SemiRandomStream.Bytes(3_000_000, seed: 11);
            var xz = await ExternalXz.CompressAsync(data, "-6", "-T2", "--block-size=131072");

            Assert.Equal(data, InProcessXz.Decompress(xz));
        }

        [Fact]
        public async Task DecodesConcatenatedStreamsWithPaddingBetweenThem()
        {
            var first = SemiRandomStream.Bytes(300_000, seed: 12);
            var second = SemiRandomStream.Bytes(200_001, seed: 13);
            byte[] xz = [.. await ExternalXz.CompressAsync(first, "-6"), 0, 0, 0, 0, .. InProcessXz.Compress(second, InProcessXz.Fast)];

            Assert.Equal([.. first, .. second], InProcessXz.Decompress(xz));
        }

        [Fact]
        public async Task DecodesAnXzFileOfNothing()
        {
            var xz = await ExternalXz.CompressAsync([], "-9");

            Assert.Empty(InProcessXz.Decompress(xz));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4097)]
        public void ReturnsTheSameBytesWithOneByteAndOddSizedReads(int readSize)
        {
            var data = SemiRandomStream.Bytes(readSize == 1 ? 50_000 : 2_500_000, seed: 14);
            var xz = InProcessXz.Compress(data, InProcessXz.Fast);

            Assert.Equal(data, InProcessXz.Decompress(xz, readSize));
        }

        [Fact]
        public void KeepsReturningZeroAtTheEnd()
        {
            using var decoder = new XzDecoderStream(new MemoryStream(InProcessXz.Compress([42], InProcessXz.Fast)));
            var buffer = new byte[16];

            Assert.Equal(1, decoder.Read(buffer));
            Assert.Equal(0, decoder.Read(buffer));
            Assert.Equal(0, decoder.Read(buffer));
        }

        [Fact]
        public void ThrowsInvalidDataWhenTheInputIsNotXz()
        {
            var notXz = Encoding.ASCII.GetBytes("This is a plain text file, not compressed at all.");

            var error = Assert.Throws<InvalidDataException>(() => InProcessXz.Decompress(notXz));

            Assert.Contains("not an .xz file", error.Message);
        }

        [Fact]
        public void ThrowsInvalidDataWhenTheInputIsEmpty()
        {
            var error = Assert.Throws<InvalidDataException>(() => InProcessXz.Decompress([]));

            Assert.Contains("empty", error.Message);
        }

        [Theory]
        [InlineData(6)]
        [InlineData(100)]
        [InlineData(50_000)]
        [InlineData(-1)]
        public void ThrowsInvalidDataWhenTheInputIsTruncated(int keep)
        {
            var xz = InProcessXz.Compress(SemiRandomStream.Bytes(300_000, seed: 15), InProcessXz.Fast);
            var truncated = xz[..(keep > 0 ? keep : xz.Length + keep)];

            var error = Assert.Throws<InvalidDataException>(() => InProcessXz.Decompress(truncated));

            Assert.Contains("truncated", error.Message);
        }

        [Fact]
        public void ThrowsInvalidDataWhenTheDataIsCorrupt()
        {
            var xz = InProcessXz.Compress(SemiRandomStream.Bytes(300_000, seed: 16), InProcessXz.Fast);
            xz[xz.Length / 2] ^= 0x55;

            var error = Assert.Throws<InvalidDataException>(() => InProcessXz.Decompress(xz));

            Assert.Contains("corrupt", error.Message);
        }

        [Fact]
        public void ThrowsInvalidDataWhenGarbageFollowsTheStream()
        {
            byte[] xz = [.. InProcessXz.Compress([1, 2, 3], InProcessXz.Fast), .. "garbage"u8];

            Assert.Throws<InvalidDataException>(() => InProcessXz.Decompress(xz));
        }
    }

    public sealed class MemoryLimit
    {
        [Fact]
        public async Task RefusesAFileThatNeedsMoreMemoryThanTheLimitAsBadInput()
        {
            // xz -9 files need a 64 MiB dictionary, 65 MiB in all, to decode.
            var xz = await ExternalXz.CompressAsync(SemiRandomStream.Bytes(100_000, seed: 22), "-9");
            using var decoder = new XzDecoderStream(new MemoryStream(xz), threads: 1, memoryLimit: 32L << 20);

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => decoder.CopyToAsync(Stream.Null));

            Assert.Contains("needs more memory to decompress than the limit of 32 MiB", error.Message);
            Assert.Contains("LZMA_MEMLIMIT_ERROR", error.Message);
        }

        [Fact]
        public async Task DecodesTheSameFileWithinALargerLimit()
        {
            var data = SemiRandomStream.Bytes(100_000, seed: 22);
            var xz = await ExternalXz.CompressAsync(data, "-9");
            using var decoder = new XzDecoderStream(new MemoryStream(xz), memoryLimit: 96L << 20);
            using var result = new MemoryStream();

            await decoder.CopyToAsync(result);

            Assert.Equal(data, result.ToArray());
        }

        [Fact]
        public async Task RefusesATinyFileWhoseHeaderClaimsAHugeDictionary()
        {
            // A tiny file whose block header asks for LZMA2's largest dictionary (1.5 GiB).
            var xz = await ExternalXz.CompressAsync([1, 2, 3], "--lzma2=preset=0,dict=1536MiB", "-T1", "--memlimit-compress=16GiB");
            using var decoder = new XzDecoderStream(new MemoryStream(xz), memoryLimit: 256L << 20);

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => decoder.CopyToAsync(Stream.Null));

            Assert.Contains("than the limit of 256 MiB", error.Message);
        }
    }

    public sealed class ReadAsync
    {
        [Fact]
        public async Task ReadsTheInputOnlyAsynchronously()
        {
            var data = SemiRandomStream.Bytes(2_500_000, seed: 20);
            var xz = await ExternalXz.CompressAsync(data, "-6", "-T2", "--block-size=262144");
            using var result = new MemoryStream();

            await using (var decoder = new XzDecoderStream(new AsyncOnlyStream(new MemoryStream(xz))))
            {
                await decoder.CopyToAsync(result);
            }

            Assert.Equal(data, result.ToArray());
        }

        [Fact]
        public async Task ThrowsInvalidDataWhenTheDataIsCorrupt()
        {
            var xz = InProcessXz.Compress(SemiRandomStream.Bytes(300_000, seed: 21), InProcessXz.Fast);
            xz[xz.Length / 2] ^= 0x55;
            await using var decoder = new XzDecoderStream(new MemoryStream(xz));

            await Assert.ThrowsAsync<InvalidDataException>(() => decoder.CopyToAsync(Stream.Null));
        }
    }

    public sealed class Dispose
    {
        [Fact]
        public void ClosesTheInputByDefault()
        {
            var input = new MemoryStream(InProcessXz.Compress([1], InProcessXz.Fast));

            new XzDecoderStream(input).Dispose();

            Assert.False(input.CanRead);
        }

        [Fact]
        public void LeavesTheInputOpenWhenAsked()
        {
            using var input = new MemoryStream(InProcessXz.Compress([1], InProcessXz.Fast));

            new XzDecoderStream(input, leaveOpen: true).Dispose();

            Assert.True(input.CanRead);
        }

        [Fact]
        public void ReadingAfterDisposeThrows()
        {
            var decoder = new XzDecoderStream(new MemoryStream(InProcessXz.Compress([1], InProcessXz.Fast)));
            decoder.Dispose();

            Assert.Throws<ObjectDisposedException>(() => decoder.Read(new byte[8]));
        }
    }
}
