using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>SharpCompress's bzip2 decoder behind <see cref="Bzip2DecoderStream"/>, fed what the system's <c>bzip2</c> writes.</summary>
public sealed class Bzip2DecoderStreamTests
{
    public sealed class Read
    {
        [Theory]
        [InlineData("-1")]
        [InlineData("-9")]
        public async Task DecodesWhatTheBzip2ToolCompressed(string level)
        {
            var data = SemiRandomStream.Bytes(2_000_000, seed: 60);

            Assert.Equal(data, Decompress(await Bzip2Async(data, level)));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4097)]
        public async Task ReturnsTheSameBytesWithOneByteAndOddSizedReads(int readSize)
        {
            var data = SemiRandomStream.Bytes(readSize == 1 ? 50_000 : 1_500_000, seed: 61);

            Assert.Equal(data, Decompress(await Bzip2Async(data), readSize));
        }

        [Fact]
        public async Task DecodesEveryStreamOfAConcatenatedFileAsPbzip2WritesThem()
        {
            var first = SemiRandomStream.Bytes(300_000, seed: 62);
            var second = SemiRandomStream.Bytes(200_001, seed: 63);

            byte[] concatenated = [.. await Bzip2Async(first), .. await Bzip2Async(second)];

            Assert.Equal([.. first, .. second], Decompress(concatenated));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(10)]
        [InlineData(100_000)]
        public async Task RefusesAFileCutShort(int missing)
        {
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(500_000, seed: 64));

            var error = Assert.Throws<InvalidDataException>(() => Decompress(bz2[..^missing]));

            Assert.StartsWith("The bzip2 data is truncated: the input ended after", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(0.5)]
        [InlineData(0.9)]
        public async Task RefusesACorruptBlock(double where)
        {
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(500_000, seed: 65));
            bz2[(int)(bz2.Length * where)] ^= 0x55;

            var error = Assert.Throws<InvalidDataException>(() => Decompress(bz2));

            Assert.StartsWith("The bzip2 data is corrupt near compressed byte", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesAWrongCombinedCrc()
        {
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(100_000, seed: 66));
            bz2[^2] ^= 0x01;

            var error = Assert.Throws<InvalidDataException>(() => Decompress(bz2));

            Assert.StartsWith("The bzip2 data is corrupt near compressed byte", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("garbage\n")]
        [InlineData("BZhx")]
        public async Task RefusesDataAfterTheLastStreamWhichBzip2OnlyWarnsAbout(string trailer)
        {
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(10_000, seed: 67));

            var error = Assert.Throws<InvalidDataException>(() => Decompress([.. bz2, .. System.Text.Encoding.ASCII.GetBytes(trailer)]));

            Assert.Equal($"The bzip2 file has unexpected data after the end of its compressed stream, at byte {bz2.Length}.", error.Message);
        }

        [Fact]
        public async Task RefusesAFileCutRightAfterTheMagicOfItsNextStream()
        {
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(10_000, seed: 71));

            var error = Assert.Throws<InvalidDataException>(() => Decompress([.. bz2, .. "BZh9"u8]));

            Assert.StartsWith("The bzip2 data is truncated: the input ended after", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAnEmptyInput() =>
            Assert.Equal("The input is empty, not a bzip2 file.", Assert.Throws<InvalidDataException>(() => Decompress([])).Message);

        [Fact]
        public async Task RethrowsWhatTheInputThrowsInsteadOfCallingTheFileCutShort()
        {
            // SharpCompress's bzip2 turns an IOException of its input into "compressed file ends unexpectedly".
            var bz2 = await Bzip2Async(SemiRandomStream.Bytes(1_000_000, seed: 68));
            using var decoder = new Bzip2DecoderStream(new FailingStream(bz2, bz2.Length / 2));

            var error = Assert.Throws<IOException>(() => decoder.CopyTo(Stream.Null));

            Assert.Equal("Input/output error (the disk failed)", error.Message);
        }

        [Fact]
        public async Task DecodesThroughReadAsync()
        {
            var data = SemiRandomStream.Bytes(1_000_000, seed: 69);
            await using var decoder = new Bzip2DecoderStream(new MemoryStream(await Bzip2Async(data)));
            using var decoded = new MemoryStream();

            await decoder.CopyToAsync(decoded);

            Assert.Equal(data, decoded.ToArray());
        }

        [Fact]
        public async Task StopsWhenCancelled()
        {
            await using var decoder = new Bzip2DecoderStream(new MemoryStream(await Bzip2Async(SemiRandomStream.Bytes(100_000, seed: 70))));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoder.ReadAsync(new byte[100], new CancellationToken(canceled: true)).AsTask());
        }
    }

    public sealed class IsBzip2
    {
        [Theory]
        [InlineData("BZh1", true)]
        [InlineData("BZh91AY&SY", true)]
        [InlineData("BZh0", false)]
        [InlineData("BZhx", false)]
        [InlineData("BZh", false)]
        [InlineData("BZ", false)]
        public void WantsTheMagicAndABlockSizeDigit(string header, bool expected) =>
            Assert.Equal(expected, Bzip2DecoderStream.IsBzip2(System.Text.Encoding.ASCII.GetBytes(header)));
    }

    private static Task<byte[]> Bzip2Async(byte[] data, params string[] options) => ExternalTool.CompressAsync("bzip2", data, options);

    private static byte[] Decompress(byte[] bz2, int readSize = 81920)
    {
        using var decoder = new Bzip2DecoderStream(new MemoryStream(bz2));
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
