using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzEncoderStreamTests
{
    public sealed class Write
    {
        [Fact]
        public async Task OutputPassesXzTestAndDecompressesWithXzToTheSameBytes()
        {
            var data = SemiRandomStream.Bytes(3_500_000, seed: 1);

            var xz = InProcessXz.Compress(data, InProcessXz.Fast);

            await ExternalXz.AssertIntegrityAsync(xz);
            Assert.Equal(data, await ExternalXz.DecompressAsync(xz));
        }

        [Fact]
        public async Task OutputIsByteIdenticalToXzWithTheSamePresetBlockSizeAndThreads()
        {
            var data = SemiRandomStream.Bytes(700_000, seed: 2);

            var ours = InProcessXz.Compress(data, new XzSettings { Preset = 9, Threads = 2, BlockSize = 256 * 1024 });
            var theirs = await ExternalXz.CompressAsync(data, "-9", "-T2", "--block-size=262144");

            Assert.Equal(theirs, ours);
        }

        [Fact]
        public async Task ExtremePresetWithDefaultBlockSizeMakesAFileXzAccepts()
        {
            var data = SemiRandomStream.Bytes(400_000, seed: 3);

            var xz = InProcessXz.Compress(data, new XzSettings { Preset = 2, Extreme = true, Threads = 1 });

            Assert.Equal(data, await ExternalXz.DecompressAsync(xz));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(4093)]
        [InlineData((1 << 20) + 3)]
        public async Task SmallAndOddSizedWritesCompressTheWholeInput(int chunk)
        {
            var data = SemiRandomStream.Bytes(chunk == 1 ? 40_001 : 2_500_003, seed: 4);
            using var sink = new MemoryStream();

            using (var encoder = new XzEncoderStream(sink, InProcessXz.Fast, leaveOpen: true))
            {
                for (var offset = 0; offset < data.Length; offset += chunk)
                {
                    encoder.Write(data.AsSpan(offset, Math.Min(chunk, data.Length - offset)));
                }
            }

            Assert.Equal(data, await ExternalXz.DecompressAsync(sink.ToArray()));
        }

        [Fact]
        public async Task EmptyInputMakesAnXzFileThatDecompressesToNothing()
        {
            var xz = InProcessXz.Compress([], InProcessXz.Fast);

            Assert.True(Xz.IsXz(xz));
            await ExternalXz.AssertIntegrityAsync(xz);
            Assert.Empty(await ExternalXz.DecompressAsync(xz));
        }

        [Fact]
        public void WritingAfterDisposeThrows()
        {
            var encoder = new XzEncoderStream(new MemoryStream(), InProcessXz.Fast);
            encoder.Dispose();

            Assert.Throws<ObjectDisposedException>(() => encoder.Write([1, 2, 3]));
        }
    }

    public sealed class WriteAsync
    {
        [Fact]
        public async Task WritesToTheOutputOnlyAsynchronously()
        {
            var data = SemiRandomStream.Bytes(2_000_000, seed: 5);
            using var sink = new MemoryStream();

            await using (var encoder = new XzEncoderStream(new AsyncOnlyStream(sink), InProcessXz.Fast))
            {
                for (var offset = 0; offset < data.Length; offset += 100_000)
                {
                    await encoder.WriteAsync(data.AsMemory(offset, Math.Min(100_000, data.Length - offset)));
                }

                await encoder.FlushAsync();
            }

            Assert.Equal(data, await ExternalXz.DecompressAsync(sink.ToArray()));
        }
    }

    public sealed class Flush
    {
        [Fact]
        public async Task WritesWhatIsCompressedSoFarAndTheStreamStillFinishesOnDispose()
        {
            var data = SemiRandomStream.Bytes(3_000_000, seed: 6);
            using var sink = new MemoryStream();

            using (var encoder = new XzEncoderStream(sink, InProcessXz.Fast, leaveOpen: true))
            {
                encoder.Write(data);
                encoder.Flush();
                Assert.True(Xz.IsXz(sink.ToArray()), "The stream header should be written by Flush.");
            }

            Assert.Equal(data, await ExternalXz.DecompressAsync(sink.ToArray()));
        }
    }

    public sealed class Dispose
    {
        [Fact]
        public void ClosesTheOutputByDefault()
        {
            var sink = new MemoryStream();

            new XzEncoderStream(sink, InProcessXz.Fast).Dispose();

            Assert.False(sink.CanWrite);
        }

        [Fact]
        public void LeavesTheOutputOpenWhenAsked()
        {
            using var sink = new MemoryStream();

            new XzEncoderStream(sink, InProcessXz.Fast, leaveOpen: true).Dispose();

            Assert.True(sink.CanWrite);
            Assert.True(sink.Length > 0);
        }

        [Fact]
        public async Task DisposingTwiceWritesTheEndOnce()
        {
            using var sink = new MemoryStream();
            var encoder = new XzEncoderStream(sink, InProcessXz.Fast, leaveOpen: true);
            encoder.Write([1, 2, 3]);

            await encoder.DisposeAsync();
            var length = sink.Length;
            encoder.Dispose();

            Assert.Equal(length, sink.Length);
            Assert.Equal([1, 2, 3], await ExternalXz.DecompressAsync(sink.ToArray()));
        }
    }

    public sealed class Constructor
    {
        [Theory]
        [InlineData(-1)]
        [InlineData(10)]
        public void RejectsAPresetOutsideZeroToNine(int preset)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new XzEncoderStream(new MemoryStream(), new XzSettings { Preset = preset }));
        }

        [Fact]
        public void RejectsNegativeThreadsOrBlockSize()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new XzEncoderStream(new MemoryStream(), new XzSettings { Threads = -1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new XzEncoderStream(new MemoryStream(), new XzSettings { BlockSize = -1 }));
        }

        [Fact]
        public void ExplainsWhenLiblzmaRejectsTheSettings()
        {
            var error = Assert.Throws<ArgumentException>(() => new XzEncoderStream(new MemoryStream(), new XzSettings { Threads = 100_000 }));

            Assert.Contains("LZMA_OPTIONS_ERROR", error.Message);
        }

        [Fact]
        public void RejectsAnOutputThatCannotBeWritten()
        {
            using var readOnly = new MemoryStream([], writable: false);

            Assert.Throws<ArgumentException>(() => new XzEncoderStream(readOnly, InProcessXz.Fast));
        }
    }
}
