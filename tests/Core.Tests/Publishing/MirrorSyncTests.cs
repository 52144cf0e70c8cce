using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>
/// The mirror-sync command over a real tree of two devices sharing a part: it is told every file the first time, in
/// the order a mirror must receive them, then only what each change wrote or removed, and a failed sync is told the
/// same changes again.
/// </summary>
public sealed class MirrorSyncTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "test");
    private readonly string _capture = Path.Combine(Path.GetTempPath(), "mirror-capture-" + Guid.NewGuid().ToString("N")[..12]);
    private TestDataDirectory _data = null!;

    private MirrorSync Sync => _data.Get<MirrorSync>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_capture);
        // Copies what it is told, or fails while a "fail" file exists.
        _data = await TestDataDirectory.CreateAsync(new Dictionary<string, string?>
        {
            ["SystemImage:Import:MirrorSyncCommand"] = "/bin/sh",
            ["SystemImage:Import:MirrorSyncArguments:0"] = "-c",
            ["SystemImage:Import:MirrorSyncArguments:1"] =
                $"""cd {_capture} && [ ! -e fail ] || {"{"} echo rsync: connection refused >&2; exit 12; {"}"}; cp "$SYSTEMIMAGE_CHANGED" changed && cp "$SYSTEMIMAGE_REMOVED" removed && echo "$SYSTEMIMAGE_PUBLISH_ROOT" > root""",
        });
        await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None);
        foreach (var device in new[] { "mako", "flo" })
        {
            await _data.Get<DeviceService>().CreateAsync("stable", device, false, Tester, CancellationToken.None);
        }

        var rootfs = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs.tar.gz"), 1);
        foreach (var device in new[] { "mako", "flo" })
        {
            var result = await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", device, [new PartInput("ubuntu", rootfs)]), Tester, CancellationToken.None);
            Assert.True(result.Succeeded, result.Message);
        }
    }

    public async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        Directory.Delete(_capture, recursive: true);
    }

    private string[] Told(string list) => File.ReadAllLines(Path.Combine(_capture, list));

    private string[] TreeFiles() =>
        [.. Directory.EnumerateFiles(_data.PublishRoot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_data.PublishRoot, f))
            .Where(p => !p.Split('/').Any(s => s.StartsWith('.')))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task TheFirstSyncIsToldEveryFilePoolFirstKeyringsThenDevicesThenIndexesAndChannelsJsonLast()
    {
        var line = await Sync.RunAsync(everything: false, CancellationToken.None);

        var changed = Told("changed");
        Assert.StartsWith("Mirror sync '/bin/sh' finished (exit 0;", line);
        Assert.Equal(TreeFiles(), changed.Order(StringComparer.Ordinal));
        Assert.Empty(Told("removed"));
        Assert.Equal(_data.PublishRoot, File.ReadAllText(Path.Combine(_capture, "root")).Trim());
        Assert.Equal(["channels.json", "channels.json.asc"], changed[^2..]);
        var stages = changed.Select(p => p switch
        {
            _ when p.StartsWith("pool/", StringComparison.Ordinal) => 0,
            _ when p.StartsWith("gpg/", StringComparison.Ordinal) => 1,
            _ when p.StartsWith("channels.json", StringComparison.Ordinal) => 4,
            _ when p.EndsWith("/index.json", StringComparison.Ordinal) || p.EndsWith("/index.json.asc", StringComparison.Ordinal) => 3,
            _ => 2,
        }).ToList();
        Assert.Equal(stages.Order(), stages);
        Assert.Equal([0, 1, 2, 3, 4], stages.Distinct());
        Assert.Contains("stable/flo/version-1.tar.xz", changed);
    }

    [Fact]
    public async Task ASyncWithNothingNewRunsNoCommandAndEverythingTellsItEveryFileAgain()
    {
        await Sync.RunAsync(everything: false, CancellationToken.None);
        File.Delete(Path.Combine(_capture, "changed"));

        var again = await Sync.RunAsync(everything: false, CancellationToken.None);
        Assert.Equal("Mirror sync: nothing changed since the last sync", again);
        Assert.False(File.Exists(Path.Combine(_capture, "changed")));

        await Sync.RunAsync(everything: true, CancellationToken.None);
        Assert.Equal(TreeFiles(), Told("changed").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AfterAChangeOnlyWhatItWroteOrRemovedIsTold()
    {
        await Sync.RunAsync(everything: false, CancellationToken.None);
        var flo = TreeFiles().Where(p => p.StartsWith("stable/flo/", StringComparison.Ordinal)).ToList();
        var rootfs = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs2.tar.gz"), 2);
        Assert.True((await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", rootfs)]), Tester, CancellationToken.None)).Succeeded);
        Assert.True((await _data.Get<DeviceService>().RemoveAsync("stable", "flo", Tester, CancellationToken.None)).Succeeded);

        await Sync.RunAsync(everything: false, CancellationToken.None);

        var changed = Told("changed");
        Assert.Contains("stable/mako/index.json", changed);
        Assert.Contains("stable/mako/version-2.tar.xz", changed);
        Assert.Contains(changed, p => p.StartsWith("pool/ubuntu-", StringComparison.Ordinal));
        Assert.DoesNotContain("stable/mako/version-1.tar.xz", changed);
        Assert.DoesNotContain(changed, p => p.StartsWith("gpg/", StringComparison.Ordinal));
        Assert.All(changed, p => Assert.True(File.Exists(Path.Combine(_data.PublishRoot, p)), p));
        Assert.Equal(flo, Told("removed"));
    }

    [Fact]
    public async Task AFailedSyncIsToldTheSameChangesAgain()
    {
        await Sync.RunAsync(everything: false, CancellationToken.None);
        var rootfs = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs2.tar.gz"), 2);
        Assert.True((await _data.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", "flo", [new PartInput("ubuntu", rootfs)]), Tester, CancellationToken.None)).Succeeded);
        await File.WriteAllTextAsync(Path.Combine(_capture, "fail"), "");

        var failed = await Sync.RunAsync(everything: false, CancellationToken.None);
        File.Delete(Path.Combine(_capture, "fail"));
        var retried = await Sync.RunAsync(everything: false, CancellationToken.None);

        Assert.Matches(@"^Mirror sync '/bin/sh' \([0-9]+ changed, 0 removed\) failed with exit 12: rsync: connection refused$", failed);
        Assert.StartsWith("Mirror sync '/bin/sh' finished (exit 0;", retried);
        Assert.Contains("stable/flo/version-2.tar.xz", Told("changed"));
        Assert.Contains("stable/flo/index.json", Told("changed"));
    }
}

/// <summary>What a scan of the publish root sees as changed: content for small files, even rewritten within one clock tick.</summary>
public sealed class TreeManifestTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("manifest-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string content, DateTime? time = null)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (time is { } t)
        {
            File.SetLastWriteTimeUtc(full, t);
        }
    }

    [Fact]
    public void ASameLengthRewriteWithTheSameTimeIsSeenAndDotFilesAreNotPartOfTheTree()
    {
        var time = DateTime.UtcNow;
        Write("stable/mako/index.json", """{"phased-percentage": 10}""", time);
        Write("stable/mako/.index.json.tmp-1", "half");
        Write(".well-known/x", "y");
        var first = TreeManifest.Scan(_root, TreeManifest.Empty);

        Write("stable/mako/index.json", """{"phased-percentage": 20}""", time);
        var second = TreeManifest.Scan(_root, first);

        var (changed, removed) = second.Since(first);
        Assert.Equal(1, first.Count);
        Assert.Equal(["stable/mako/index.json"], changed);
        Assert.Empty(removed);
    }

    [Fact]
    public void ARewriteWithTheSameBytesIsNotAChangeAndARemovalIs()
    {
        Write("pool/a.tar.xz", new string('a', 100_000));
        Write("channels.json", "{}");
        var first = TreeManifest.Scan(_root, TreeManifest.Empty);

        Write("channels.json", "{}");
        File.Delete(Path.Combine(_root, "pool/a.tar.xz"));
        var (changed, removed) = TreeManifest.Scan(_root, first).Since(first);

        Assert.Empty(changed);
        Assert.Equal(["pool/a.tar.xz"], removed);
    }
}
