using System.Formats.Tar;
using System.Text;
using SystemImage.Core.Images.Deltas;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>A delta generated from two trees, read back for assertions.</summary>
internal sealed class DeltaRun
{
    private DeltaRun(byte[] tar, DeltaStats stats)
    {
        Tar = tar;
        Stats = stats;
        using var reader = new TarReader(new MemoryStream(tar));
        var entries = new List<DeltaEntry>();
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add(new DeltaEntry(entry.Name, entry.EntryType, entry.LinkName, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime, content.ToArray()));
        }

        AllEntries = entries;
    }

    public byte[] Tar { get; }

    public DeltaStats Stats { get; }

    /// <summary>Every entry, the removed list first.</summary>
    public IReadOnlyList<DeltaEntry> AllEntries { get; }

    /// <summary>The entries after the removed list.</summary>
    public IReadOnlyList<DeltaEntry> Entries => AllEntries.Skip(1).ToList();

    public IReadOnlyList<string> Names => Entries.Select(entry => entry.Name.TrimEnd('/')).ToList();

    public string RemovedText => Encoding.UTF8.GetString(AllEntries[0].Content);

    public IReadOnlyList<string> Removed => RemovedText.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static DeltaRun Generate(RootfsTree source, RootfsTree target, string sourcePrefix = "", string targetPrefix = "") =>
        Generate(source.ToTar(sourcePrefix), target.ToTar(targetPrefix));

    public static DeltaRun Generate(byte[] source, byte[] target)
    {
        using var output = new MemoryStream();
        var stats = new DeltaGenerator().Write(() => new ForwardOnlyStream(source), () => new ForwardOnlyStream(target), new ForwardOnlyStream(output), CancellationToken.None);
        return new DeltaRun(output.ToArray(), stats);
    }

    /// <summary>Generates the delta and checks that applying it to <paramref name="source"/> gives <paramref name="target"/>.</summary>
    public static DeltaRun RoundTrip(RootfsTree source, RootfsTree target)
    {
        var run = Generate(source, target);
        run.AssertTurns(source, target);
        return run;
    }

    public void AssertTurns(RootfsTree source, RootfsTree target) => AssertTurns(source.ToTar(), target.ToTar());

    public void AssertTurns(byte[] sourceTar, byte[] targetTar)
    {
        var expected = RootfsSnapshot.FromTar(new MemoryStream(targetTar));
        var differences = RootfsSnapshot.FromTar(new MemoryStream(sourceTar)).ApplyDelta(new MemoryStream(Tar)).Differences(expected);
        Assert.True(differences.Count == 0, $"{differences.Count} differences after applying the delta:\n{string.Join('\n', differences.Take(20))}");
    }
}
