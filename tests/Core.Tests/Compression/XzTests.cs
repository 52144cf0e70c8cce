using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzTests
{
    public sealed class CompressAsync
    {
        [Fact]
        public async Task MakesAFileXzRestoresUsingOnlyAsyncIo()
        {
            var data = SemiRandomStream.Bytes(2_000_000, seed: 30);
            using var sink = new MemoryStream();

            await Xz.CompressAsync(new AsyncOnlyStream(new MemoryStream(data)), new AsyncOnlyStream(sink), InProcessXz.Fast, CancellationToken.None);

            await ExternalXz.AssertIntegrityAsync(sink.ToArray());
            Assert.Equal(data, await ExternalXz.DecompressAsync(sink.ToArray()));
        }

        [Fact]
        public async Task LeavesBothStreamsOpen()
        {
            using var input = new MemoryStream([1, 2, 3]);
            using var output = new MemoryStream();

            await Xz.CompressAsync(input, output, InProcessXz.Fast, CancellationToken.None);

            Assert.True(input.CanRead);
            Assert.True(output.CanWrite);
        }

        [Fact]
        public async Task StopsWhenCancelled()
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Xz.CompressAsync(new SemiRandomStream(10_000_000, seed: 31), Stream.Null, InProcessXz.Fast, cancelled.Token));
        }
    }

    public sealed class DecompressAsync
    {
        [Fact]
        public async Task RestoresWhatXzCompressedUsingOnlyAsyncIo()
        {
            var data = SemiRandomStream.Bytes(2_000_000, seed: 32);
            var xz = await ExternalXz.CompressAsync(data, "-6", "-T2", "--block-size=500000");
            using var output = new MemoryStream();

            await Xz.DecompressAsync(new AsyncOnlyStream(new MemoryStream(xz)), new AsyncOnlyStream(output), CancellationToken.None);

            Assert.Equal(data, output.ToArray());
        }

        [Fact]
        public async Task ThrowsInvalidDataForInputThatIsNotXz()
        {
            using var input = new MemoryStream("PK\u0003\u0004 a zip file"u8.ToArray());

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => Xz.DecompressAsync(input, Stream.Null, CancellationToken.None));

            Assert.Contains("not an .xz file", error.Message);
        }

        [Fact]
        public async Task StopsWhenCancelled()
        {
            var xz = InProcessXz.Compress(SemiRandomStream.Bytes(500_000, seed: 33), InProcessXz.Fast);
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Xz.DecompressAsync(new MemoryStream(xz), Stream.Null, cancelled.Token));
        }
    }

    public sealed class IsXz
    {
        [Fact]
        public void IsTrueForTheMagicBytesFollowedByAnything()
        {
            Assert.True(Xz.IsXz([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04]));
        }

        [Theory]
        [InlineData(new byte[] { })]
        [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A })]
        [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00 })]
        [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x01 })]
        public void IsFalseForOtherOrShortHeaders(byte[] header)
        {
            Assert.False(Xz.IsXz(header));
        }
    }
}
