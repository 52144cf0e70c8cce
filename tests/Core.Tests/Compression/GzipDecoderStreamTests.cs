using System.IO.Compression;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class GzipDecoderStreamTests
{
    public sealed class Read
    {
        [Fact]
        public void DecodesWhatGZipStreamCompressed()
        {
            var data = SemiRandomStream.Bytes(3_000_000, seed: 20);

            Assert.Equal(data, Decompress(Gzip(data)));
        }

        [Fact]
        public void DecodesEveryMemberOfAMultiMemberFileAndIgnoresZeroPadding()
        {
            var first = SemiRandomStream.Bytes(300_000, seed: 21);
            var second = SemiRandomStream.Bytes(200_001, seed: 22);

            Assert.Equal([.. first, .. second], Decompress([.. Gzip(first), .. Gzip(second), 0, 0, 0]));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4097)]
        public void ReturnsTheSameBytesWithOneByteAndOddSizedReads(int readSize)
        {
            var data = SemiRandomStream.Bytes(readSize == 1 ? 50_000 : 2_500_000, seed: 23);

            Assert.Equal(data, Decompress(Gzip(data), readSize));
        }

        [Theory]
        [InlineData(4)]
        [InlineData(8)]
        [InlineData(100_000)]
        public void RefusesAFileCutShort(int missing)
        {
            var gz = Gzip(SemiRandomStream.Bytes(500_000, seed: 24));

            var error = Assert.Throws<InvalidDataException>(() => Decompress(gz[..^missing]));

            Assert.StartsWith("The gzip data is truncated: the input ended after", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAWrongLengthInTheTrailer()
        {
            var gz = Gzip(SemiRandomStream.Bytes(10_000, seed: 25));
            gz[^1] ^= 1;

            var error = Assert.Throws<InvalidDataException>(() => Decompress(gz));

            Assert.Contains("incorrect length check", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesGarbageAfterTheLastMember()
        {
            var gz = Gzip(SemiRandomStream.Bytes(10_000, seed: 26));

            var error = Assert.Throws<InvalidDataException>(() => Decompress([.. gz, 0, 0, (byte)'x']));

            Assert.Equal($"The gzip file has unexpected data after the end of its compressed stream, at byte {gz.Length + 2}.", error.Message);
        }

        [Fact]
        public void RefusesAnEmptyInput() =>
            Assert.Equal("The input is empty, not a gzip file.", Assert.Throws<InvalidDataException>(() => Decompress([])).Message);

        [Fact]
        public void RefusesSomethingThatIsNotGzip()
        {
            var error = Assert.Throws<InvalidDataException>(() => Decompress("plain text, no gzip header"u8.ToArray()));

            Assert.Contains("incorrect header check", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task DecodesAsynchronously()
        {
            var data = SemiRandomStream.Bytes(1_000_000, seed: 27);
            await using var decoder = new GzipDecoderStream(new MemoryStream(Gzip(data)));
            using var decoded = new MemoryStream();

            await decoder.CopyToAsync(decoded);

            Assert.Equal(data, decoded.ToArray());
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] gz, int readSize = 81920)
    {
        using var decoder = new GzipDecoderStream(new MemoryStream(gz));
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
