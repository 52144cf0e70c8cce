using System.Diagnostics;
using System.Formats.Tar;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Tests.Compression;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>
/// A delta between two builds of a million entries each (the default most a part may have) is planned from manifests
/// on disk in a bounded amount of memory: keys and flags per entry, not the entries.
/// </summary>
[Collection(MemorySensitiveCollection.Name)]
public sealed class DeltaPlanMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const int Entries = 1_000_000;
    private const long AllowedGrowth = 250L << 20;

    private readonly string _directory = Directory.CreateTempSubdirectory("delta-plan-memory-").FullName;

    [Fact]
    public void PlansAMillionEntryDeltaWithinAFewHundredMegabytes()
    {
        var source = Write("source.manifest", build: 1);
        var target = Write("target.manifest", build: 2);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(10))
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
            }
        });
        sampler.Start();
        var clock = Stopwatch.StartNew();

        var plan = DeltaPlan.Create(source, target, CancellationToken.None);

        done.Set();
        sampler.Join();
        process.Refresh();
        peak = Math.Max(peak, process.WorkingSet64);
        output.WriteLine($"planned in {clock.Elapsed.TotalSeconds:F1} s; baseline {baseline >> 20} MiB, peak {peak >> 20} MiB");
        Assert.Equal(new DeltaStats(Entries / 100, Entries / 100, Entries / 10, Entries - (Entries / 100) - (Entries / 10), 0), plan.Stats);
        Assert.Equal(Entries / 100 + Entries / 10, plan.Removed.Count);
        Assert.Equal(Entries / 100 + Entries / 10, Enumerable.Range(0, Entries).Count(plan.Includes));
        Assert.True(peak - baseline < AllowedGrowth, $"Planning grew the working set by {(peak - baseline) >> 20} MiB.");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// Files in 20,000 directories that only the paths imply. Build 2 changes every tenth file, drops every hundredth
    /// (i % 100 == 1) and adds as many new ones.
    /// </summary>
    private TarManifest Write(string name, int build)
    {
        var path = Path.Combine(_directory, name);
        int count;
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new TarManifestWriter(file))
        {
            for (var i = 0; i < Entries; i++)
            {
                if (build == 2 && i % 100 == 1)
                {
                    writer.Add(File($"system/usr/share/new-{i / 50:D5}/file-{i:D7}.dat", i, 0));
                    continue;
                }

                writer.Add(File($"system/usr/lib/pkg-{i / 50:D5}/file-{i:D7}.so", i, build == 2 && i % 10 == 0 ? 1 : 0));
            }

            writer.Complete();
            count = writer.Count;
        }

        return TarManifest.FromFile(path, count);
    }

    private static TargetEntry File(string path, int i, int change)
    {
        var sha256 = new byte[32];
        BitConverter.TryWriteBytes(sha256, i);
        sha256[31] = (byte)change;
        var fingerprint = new EntryFingerprint(TarEntryType.RegularFile, (UnixFileMode)420, 0, 0, i % 4096, 0, 0, null, sha256);
        return new TargetEntry(path, fingerprint);
    }
}
