using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SystemImage.Core.Compression;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Core.Tests.Compression;

[Collection(MemorySensitiveCollection.Name)]
public sealed class XzStreamingMemoryTests(ITestOutputHelper output)
{
    private const long Length = 200L * 1024 * 1024;
    private const long AllowedGrowth = 150L * 1024 * 1024;
    private const ulong Seed = 2024;

    [Fact]
    public async Task TwoHundredMegabytesRoundTripThroughEncoderAndDecoderWithFlatMemory()
    {
        var clock = Stopwatch.StartNew();
        var expected = await HashAsync(new SemiRandomStream(Length, Seed));
        output.WriteLine($"hash of input: {clock.Elapsed}");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        using var stopSampling = new CancellationTokenSource();
        var sampler = SamplePeakWorkingSetAsync(process, stopSampling.Token);

        // Encoder and decoder run at the same time, joined by a pipe that holds at most ~64 KiB.
        var pipe = new Pipe();
        var compress = Task.Run(async () =>
        {
            await using var compressed = pipe.Writer.AsStream();
            await Xz.CompressAsync(new SemiRandomStream(Length, Seed), compressed, new XzSettings { Preset = 1, Threads = 2 }, CancellationToken.None);
        });
        var (actual, decodedLength) = await Task.Run(async () =>
        {
            await using var decoder = new XzDecoderStream(pipe.Reader.AsStream());
            return await HashWithLengthAsync(decoder);
        });
        await compress;
        await stopSampling.CancelAsync();
        var peak = await sampler;
        output.WriteLine($"round trip done: {clock.Elapsed}; baseline {baseline >> 20} MiB, peak {peak >> 20} MiB");

        Assert.Equal(Length, decodedLength);
        Assert.Equal(expected, actual);
        var growth = peak - baseline;
        Assert.True(growth < AllowedGrowth, $"Working set grew by {growth / (1024 * 1024)} MiB (baseline {baseline / (1024 * 1024)} MiB, peak {peak / (1024 * 1024)} MiB).");
    }

    private static async Task<byte[]> HashAsync(Stream stream) => (await HashWithLengthAsync(stream)).Hash;

    private static async Task<(byte[] Hash, long Length)> HashWithLengthAsync(Stream stream)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long total = 0;
        int count;
        while ((count = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, count);
            total += count;
        }

        return (sha.GetHashAndReset(), total);
    }

    private static async Task<long> SamplePeakWorkingSetAsync(Process process, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        process.Refresh();
        return Math.Max(peak, process.WorkingSet64);
    }
}
