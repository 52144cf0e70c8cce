using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Encoders take their threads from a memory budget they share; none of these use the process's shared budget.</summary>
public sealed class XzMemoryBudgetTests
{
    /// <summary>Preset 9 with 256 KiB blocks: about 676 MiB a thread by liblzma's estimate, so tests stay small in real memory.</summary>
    private static readonly XzSettings Nine = new() { Preset = 9, Threads = 4, BlockSize = 256 << 10 };

    /// <summary>Preset 1 with 256 KiB blocks: cheap to run while another encoder waits.</summary>
    private static readonly XzSettings One = new() { Preset = 1, Threads = 2, BlockSize = 256 << 10 };

    public sealed class Threads
    {
        [Fact]
        public async Task APreset9EncoderGivenLessThanTwoThreadsWorthRunsWithOneAndWritesTheSameBytesAsXz()
        {
            var data = SemiRandomStream.Bytes(1_200_000, seed: 71);
            var budget = new XzMemoryBudget((Nine.EncoderMemoryUsage(1) + Nine.EncoderMemoryUsage(2)) / 2);
            using var sink = new MemoryStream();

            int threads;
            await using (var encoder = new XzEncoderStream(sink, Nine with { MemoryBudget = budget }, leaveOpen: true))
            {
                await encoder.WriteAsync(data);
                threads = encoder.Threads;
            }

            Assert.Equal(1, threads);
            Assert.Equal(Nine.EncoderMemoryUsage(1), budget.PeakReservedBytes);
            Assert.Equal(0, budget.ReservedBytes);

            // The .xz liblzma's multi-threaded encoder writes does not depend on its thread count: one thread gives what
            // xz gives with two. (xz -T1 switches to the single-threaded encoder, whose file lacks the block sizes.)
            Assert.Equal(await ExternalXz.CompressAsync(data, "-9", "-T2", "--block-size=262144"), sink.ToArray());
        }

        [Fact]
        public void UsesEveryThreadWhenTheBudgetHoldsThemAll()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(4));
            using var encoder = new XzEncoderStream(Stream.Null, Nine with { MemoryBudget = budget });

            encoder.Write(SemiRandomStream.Bytes(1_200_000, seed: 72));

            Assert.Equal((4, Nine.EncoderMemoryUsage(4)), (encoder.Threads, budget.ReservedBytes));
        }

        [Fact]
        public void StartsNoMoreThreadsThanAnInputOfKnownSizeHasBlocks()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(4));
            using var encoder = new XzEncoderStream(Stream.Null, Nine.ForInputSize(300_000) with { MemoryBudget = budget });

            encoder.Write(SemiRandomStream.Bytes(300_000, seed: 73));

            Assert.Equal((2, Nine.EncoderMemoryUsage(2)), (encoder.Threads, budget.ReservedBytes));
        }

        [Fact]
        public void AnEncoderNeedingMoreThanTheWholeBudgetRunsAloneWithOneThread()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(1) / 2);
            using var encoder = new XzEncoderStream(Stream.Null, Nine with { MemoryBudget = budget });

            encoder.Write(SemiRandomStream.Bytes(100_000, seed: 74));

            Assert.Equal((1, budget.LimitBytes), (encoder.Threads, budget.ReservedBytes));
        }

        [Fact]
        public void AnEncoderThatNeverStartedHoldsNothing()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(1));

            using (var encoder = new XzEncoderStream(Stream.Null, Nine with { MemoryBudget = budget }))
            {
                Assert.Equal((0, 0L), (encoder.Threads, budget.ReservedBytes));
            }

            Assert.Equal(0, budget.ReservedBytes);
        }
    }

    public sealed class ConcurrentEncoders
    {
        [Fact]
        public async Task TwoEncodersNeverReserveMoreThanTheBudgetTheSecondWaitsForTheFirst()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(2));
            var data = SemiRandomStream.Bytes(600_000, seed: 75);
            using var firstSink = new MemoryStream();
            using var secondSink = new MemoryStream();
            var first = new XzEncoderStream(firstSink, Nine with { MemoryBudget = budget }, leaveOpen: true);
            var second = new XzEncoderStream(secondSink, Nine with { MemoryBudget = budget }, leaveOpen: true);

            await first.WriteAsync(data);
            var waiting = second.WriteAsync(data).AsTask();
            await Task.Delay(300);

            Assert.Equal(2, first.Threads);
            Assert.False(waiting.IsCompleted);
            Assert.Equal(budget.LimitBytes, budget.ReservedBytes);

            await first.DisposeAsync();
            await waiting.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2, second.Threads);
            await second.DisposeAsync();

            Assert.Equal(budget.LimitBytes, budget.PeakReservedBytes);
            Assert.Equal(0, budget.ReservedBytes);
            Assert.Equal(data, await ExternalXz.DecompressAsync(firstSink.ToArray()));
            Assert.Equal(data, await ExternalXz.DecompressAsync(secondSink.ToArray()));
        }

        [Fact]
        public async Task TheSecondEncoderGetsTheThreadsThatAreLeft()
        {
            var budget = new XzMemoryBudget(Nine.EncoderMemoryUsage(2) + Nine.EncoderMemoryUsage(1));
            await using var first = new XzEncoderStream(Stream.Null, Nine with { Threads = 2, MemoryBudget = budget });
            await using var second = new XzEncoderStream(Stream.Null, Nine with { MemoryBudget = budget });

            await first.WriteAsync(SemiRandomStream.Bytes(600_000, seed: 76));
            await second.WriteAsync(SemiRandomStream.Bytes(600_000, seed: 77)).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal((2, 1), (first.Threads, second.Threads));
            Assert.True(budget.PeakReservedBytes <= budget.LimitBytes);
        }

        [Fact]
        public async Task EncodersAreServedInTurnSoABigOneIsNotOvertakenForever()
        {
            var budget = new XzMemoryBudget(One.EncoderMemoryUsage(2));
            var running = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });
            await running.WriteAsync(SemiRandomStream.Bytes(600_000, seed: 78));
            var big = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });
            var small = new XzEncoderStream(Stream.Null, One with { Threads = 1, MemoryBudget = budget });

            var bigWrite = big.WriteAsync(SemiRandomStream.Bytes(600_000, seed: 79)).AsTask();
            var smallWrite = small.WriteAsync(SemiRandomStream.Bytes(1000, seed: 80)).AsTask();
            await running.DisposeAsync();
            await bigWrite.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(2, big.Threads);
            Assert.False(smallWrite.IsCompleted);
            await big.DisposeAsync();
            await smallWrite.WaitAsync(TimeSpan.FromSeconds(30));
            await small.DisposeAsync();
            Assert.Equal(0, budget.ReservedBytes);
        }

        [Fact]
        public async Task AWaitingEncoderCanBeCancelledAndHoldsNothingAfterwards()
        {
            var budget = new XzMemoryBudget(One.EncoderMemoryUsage(2));
            await using var running = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });
            await running.WriteAsync(SemiRandomStream.Bytes(100_000, seed: 81));
            using var cancellation = new CancellationTokenSource();
            var waiting = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });

            var write = waiting.WriteAsync(SemiRandomStream.Bytes(100_000, seed: 82), cancellation.Token).AsTask();
            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
            waiting.Abandon();
            Assert.Equal(One.EncoderMemoryUsage(2), budget.ReservedBytes);
        }
    }

    public sealed class Limit
    {
        [Fact]
        public void DefaultsToHalfTheMemoryTheProcessMayUse()
        {
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

            Assert.Equal(Math.Max(available / 2, CompressionOptions.MinimumMiB << 20), XzMemoryBudget.DefaultLimitBytes());
            Assert.Equal(XzMemoryBudget.DefaultLimitBytes(), new CompressionOptions().MemoryLimitBytes);
        }

        [Fact]
        public void TheConfiguredMebibytesWin()
        {
            Assert.Equal(512L << 20, new CompressionOptions { MemoryLimitMiB = 512 }.MemoryLimitBytes);
        }

        [Fact]
        public async Task RaisingTheLimitLetsAWaitingEncoderStart()
        {
            var budget = new XzMemoryBudget(One.EncoderMemoryUsage(2));
            await using var running = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });
            await running.WriteAsync(SemiRandomStream.Bytes(100_000, seed: 83));
            await using var waiting = new XzEncoderStream(Stream.Null, One with { MemoryBudget = budget });
            var write = waiting.WriteAsync(SemiRandomStream.Bytes(100_000, seed: 84)).AsTask();

            budget.SetLimit(One.EncoderMemoryUsage(2) * 2);

            await write.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2, waiting.Threads);
        }
    }
}
