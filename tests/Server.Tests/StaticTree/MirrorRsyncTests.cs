using System.Diagnostics;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.StaticTree;

/// <summary>
/// docs/mirror-rsync.sh (the README's recipe) as the server's mirror-sync command: the server's background sync keeps a
/// mirror directory equal to the tree after each change, removals included, and the script run by hand copies a whole
/// tree. rsync is real.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class MirrorRsyncTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "api");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "docs", "mirror-rsync.sh");
    private readonly string _mirror = Directory.CreateTempSubdirectory("mirror-").FullName;
    private InProcessServer _server = null!;

    private string Root => Path.Combine(_server.DataDir, "www");

    public async Task InitializeAsync()
    {
        Tools.Require("rsync");
        // A mirror keeps its own dot-files: they are neither copied nor deleted.
        await File.WriteAllTextAsync(Path.Combine(_mirror, ".mirror-stamp"), "kept");
        _server = InProcessServer.WithArguments(
            $"--SystemImage:Import:MirrorSyncCommand={Script}", $"--SystemImage:Import:MirrorSyncArguments:0={_mirror}");
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_mirror, recursive: true);
    }

    /// <summary>Each file's hash by its path; null when a file went while it was read (a sync or a publish removed it).</summary>
    private static Dictionary<string, string>? Files(string root)
    {
        try
        {
            return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(root, f).Split('/').Any(s => s.StartsWith('.')))
                .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Waits until the mirror holds exactly the tree's files, byte for byte.</summary>
    private async Task MirrorEqualsTreeAsync(string mirror)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var tree = Files(Root);
            var copy = Files(mirror);
            if (tree is not null && copy is not null && tree.Count == copy.Count && tree.All(e => copy.TryGetValue(e.Key, out var hash) && hash == e.Value))
            {
                return;
            }

            if (stopwatch.Elapsed > Patience && tree is not null && copy is not null)
            {
                Assert.Fail($"The mirror still differs from the tree: missing or different {string.Join(", ", tree.Where(e => !copy.TryGetValue(e.Key, out var h) || h != e.Value).Select(e => e.Key))}; extra {string.Join(", ", copy.Keys.Except(tree.Keys))}");
            }

            await Task.Delay(200);
        }
    }

    private async Task PublishAsync(string device, int build)
    {
        var rootfs = SimpleTarball.WriteBuild(Path.Combine(_server.DataDir, $"rootfs-{build}.tar.gz"), build);
        var result = await _server.Get<ImageService>().PublishAsync(new PublishImageRequest("stable", device, [new PartInput("ubuntu", rootfs)]), Tester, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public async Task TheServersBackgroundSyncKeepsTheMirrorEqualToTheTreeThroughPublishesAndRemovals()
    {
        Assert.True((await _server.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
        foreach (var device in new[] { "mako", "flo" })
        {
            Assert.True((await _server.Get<DeviceService>().CreateAsync("stable", device, false, Tester, CancellationToken.None)).Succeeded);
            await PublishAsync(device, 1);
        }

        await MirrorEqualsTreeAsync(_mirror);
        Assert.True(File.Exists(Path.Combine(_mirror, "stable", "flo", "index.json")));

        await PublishAsync("mako", 2);
        Assert.True((await _server.Get<DeviceService>().RemoveAsync("stable", "flo", Tester, CancellationToken.None)).Succeeded);
        await MirrorEqualsTreeAsync(_mirror);

        Assert.DoesNotContain(Directory.EnumerateFiles(_mirror, "*", SearchOption.AllDirectories), f => f.Contains("/stable/flo/", StringComparison.Ordinal));
        Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(_mirror, ".mirror-stamp")));
        // Warnings are captured: no sync failed on the way.
        Assert.DoesNotContain("Mirror sync", _server.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunByHandTheScriptCopiesTheWholeTree()
    {
        Assert.True((await _server.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
        Assert.True((await _server.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, CancellationToken.None)).Succeeded);
        await PublishAsync("mako", 1);
        var byHand = Directory.CreateTempSubdirectory("mirror-by-hand-").FullName;
        try
        {
            var start = new ProcessStartInfo(Script);
            start.ArgumentList.Add(byHand + "/");
            start.ArgumentList.Add(Root);
            await MirrorRsyncScriptTests.RunScriptAsync(start);
            await MirrorEqualsTreeAsync(byHand);
        }
        finally
        {
            Directory.Delete(byHand, recursive: true);
        }
    }
}
