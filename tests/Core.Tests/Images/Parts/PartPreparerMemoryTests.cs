using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Tests.Compression;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Core.Tests.Images.Parts;

[Collection(MemorySensitiveCollection.Name)]
public sealed class PartPreparerMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const int EntryBytes = 8 << 20;
    private const int EntryCount = 40;
    private const long AllowedGrowth = 150L * 1024 * 1024;

    private readonly PartWorkspace _workspace = new();

    [Fact]
    public async Task StreamsA320MegabyteTarGzWithFlatMemory()
    {
        var clock = Stopwatch.StartNew();
        var input = _workspace.Input("big.tar.gz");
        var tarBytes = WriteTarGz(input);
        output.WriteLine($"input written: {clock.Elapsed}, tar {tarBytes >> 20} MiB, gzip {new FileInfo(input).Length >> 20} MiB");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        using var stopSampling = new CancellationTokenSource();
        var sampler = SamplePeakWorkingSetAsync(process, stopSampling.Token);

        var result = await PartWorkspace.Preparer(preset: 1).PrepareAsync(input, PartCompression.Gzip, _workspace.Work, CancellationToken.None);

        await stopSampling.CancelAsync();
        var peak = await sampler;
        output.WriteLine($"prepared: {clock.Elapsed}; baseline {baseline >> 20} MiB, peak {peak >> 20} MiB");
        Assert.Null(result.Error);
        var part = Assert.IsType<PreparedPart>(result.Part);
        Assert.Equal(EntryCount, part.Entries);
        await PartTools.RunAsync("xz", "-t", "--", part.OutputPath);
        var growth = peak - baseline;
        Assert.True(growth < AllowedGrowth, $"Working set grew by {growth >> 20} MiB (baseline {baseline >> 20} MiB, peak {peak >> 20} MiB).");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Writes a tar of semi-random, compressible entries through gzip straight to disk; returns the tar's length.</summary>
    private static long WriteTarGz(string path)
    {
        var data = new byte[EntryBytes];
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var counted = new BufferedStream(gzip, 1 << 20);
        using (var writer = new TarWriter(counted, TarEntryFormat.Gnu, leaveOpen: true))
        {
            for (var i = 0; i < EntryCount; i++)
            {
                using (var random = new SemiRandomStream(EntryBytes, seed: 100 + (ulong)i))
                {
                    random.ReadExactly(data);
                }

                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, $"system/data/file-{i:D2}") { DataStream = new MemoryStream(data) });
            }
        }

        return ((long)EntryCount * (512 + EntryBytes)) + 1024;
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
