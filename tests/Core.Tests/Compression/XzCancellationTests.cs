using System.Diagnostics;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzCancellationTests
{
    public sealed class CompressAsync
    {
        [Fact]
        public async Task StopsSoonWhenCancelledWhileAWorkerIsCompressingABigBlock()
        {
            // One 24 MiB block at -9 keeps a worker busy for many seconds; finishing the stream must not wait for it.
            var data = SemiRandomStream.Bytes(24 << 20, seed: 30);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Xz.CompressAsync(new MemoryStream(data), Stream.Null, new XzSettings { Preset = 9 }, cancellation.Token));

            // Compressing the block takes over 20 s on one core; a loaded CI machine may take a few seconds to unwind.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Cancelling took {clock.Elapsed}.");
        }
    }
}
