using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Hosting;
using SystemImage.Core.Images;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

/// <summary>
/// A change stages its files outside the tree until it commits: a change that fails or is refused leaves nothing
/// behind, and a change committed but never published (the process died) is published by whoever comes next.
/// </summary>
public sealed class ChangeStagingTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _f = null!;

    private string Staging => Path.Combine(_f.Data.Options.StateDir, "staging");

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("stable", ["flo", "mako"]));
        Assert.True((await _f.PublishBuildAsync("stable", "mako", 1)).Succeeded);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task AChangeThatFailsAfterStagingLeavesNoFileInTheTreeAndNoStaging()
    {
        // Version 1's pool file is damaged and its manifest gone: making the delta to version 2 fails half way.
        var pool = (await PoolPathsAsync()).Single();
        var bytes = await File.ReadAllBytesAsync(_f.Data.File(pool));
        await File.WriteAllBytesAsync(_f.Data.File(pool), bytes[..(bytes.Length / 2)]);
        Directory.Delete(_f.ManifestDirectory, recursive: true);
        var before = _f.Snapshot();

        await Assert.ThrowsAnyAsync<Exception>(() => _f.PublishBuildAsync("stable", "mako", 2));

        Assert.Equal(before, _f.Snapshot());
        Assert.Equal([pool], await PoolPathsAsync());
        Assert.Equal(["full 1"], _f.Entries("stable", "mako"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Staging));
    }

    [Fact]
    public async Task ARefusedChangeLeavesNoFileInTheTreeAndNoStaging()
    {
        var before = _f.Snapshot();
        var file = SimpleTarball.WriteBuild(Path.Combine(_f.Inputs, "rootfs-9.tar.gz"), 9);

        var refused = await _f.Data.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", file)]) { Version = 1 }, ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Conflict, refused.Status);
        Assert.Equal(before, _f.Snapshot());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Staging));
    }

    [Fact]
    public async Task AChangeCommittedButNeverPublishedIsPublishedByTheNextVerbToStart()
    {
        var before = _f.Snapshot();
        using (TreeMutator.SimulateCrashAfterCommit())
        {
            Assert.True((await _f.Data.Get<ImageEditor>().SetPhasedPercentageAsync("stable", "mako", 1, 30, ImageFixture.Tester, None)).Succeeded);
        }

        Assert.Equal(before, _f.Snapshot());
        Assert.Equal(1, await _f.Data.Get<PendingPublishes>().CountAsync(None));
        Assert.Equal(1, (await _f.Data.Get<TreeMaintenance>().CheckAsync(None)).Behind);

        await _f.Data.Get<DataDirectory>().PrepareAsync(None);

        Assert.Equal(30, _f.Images("stable", "mako")[0]!["phased-percentage"]!.GetValue<int>());
        Assert.Equal(0, await _f.Data.Get<PendingPublishes>().CountAsync(None));
        Assert.Equal(0, (await _f.Data.Get<TreeMaintenance>().CheckAsync(None)).Behind);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Staging));
    }

    [Fact]
    public async Task AnImageCommittedButNeverPublishedGetsItsFilesAndIndexFromTheNextChange()
    {
        Assert.True((await _f.PublishBuildAsync("stable", "flo", 1)).Succeeded);
        var before = _f.Snapshot();
        using (TreeMutator.SimulateCrashAfterCommit())
        {
            Assert.True((await _f.PublishBuildAsync("stable", "mako", 2)).Succeeded);
        }

        // The database has version 2 and its delta; the tree has none of their files and still ends at version 1.
        Assert.Equal(before, _f.Snapshot());
        Assert.Equal(["full 1"], _f.Entries("stable", "mako"));

        var next = await _f.Data.Get<ImageEditor>().SetPhasedPercentageAsync("stable", "flo", 1, 50, ImageFixture.Tester, None);

        Assert.True(next.Succeeded, next.Message);
        Assert.Equal(["delta 1-2", "full 1", "full 2"], _f.Entries("stable", "mako").Order(StringComparer.Ordinal));
        var check = await _f.Data.Get<TreeMaintenance>().CheckAsync(None);
        Assert.Empty(check.Missing);
        Assert.Empty(check.Orphaned);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Staging));
        foreach (var file in _f.Images("stable", "mako").SelectMany(i => i!["files"]!.AsArray()))
        {
            TreeAssert.Exists(_f.Data, file!["path"]!.GetValue<string>());
            TreeAssert.Exists(_f.Data, file["signature"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ABuildRemovedByACleanUpWhileItsPublishWaitedForTheLockIsPreparedAgain()
    {
        Assert.True((await _f.Data.Get<ImageEditor>().RemoveAsync("stable", "mako", 1, null, ImageFixture.Tester, None)).Succeeded);
        var orphan = (await PoolPathsAsync()).Single();
        var work = Path.Combine(_f.Data.Options.StateDir, "work");

        Task<OperationResult> publish;
        await using (await _f.Data.Get<PublishLock>().AcquireAsync(None))
        {
            // The publish finds the build in the pool, then waits for the lock; meanwhile a clean-up removes it.
            publish = _f.PublishBuildAsync("stable", "flo", 1);
            await WaitUntilAsync(() => Directory.Exists(work) && Directory.EnumerateDirectories(work, "publish-*").Any());
            await Task.Delay(500);
            Assert.Contains(orphan, await _f.Data.Get<TreeMaintenance>().CleanupLockedAsync(ImageFixture.Tester, None));
            Assert.Empty(await PoolPathsAsync());
        }

        var result = await publish;

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([orphan], await PoolPathsAsync());
        TreeAssert.Exists(_f.Data, orphan);
        TreeAssert.Exists(_f.Data, orphan + ".asc");
        Assert.Equal(["full 1"], _f.Entries("stable", "flo"));
    }

    [Fact]
    public async Task AnyVerbClearsDeadWorkAreasAndStaging()
    {
        var deadWork = Directory.CreateDirectory(Path.Combine(_f.Data.Options.StateDir, "work", "publish-dead")).FullName;
        await File.WriteAllTextAsync(Path.Combine(deadWork, ".owner"), "");
        await File.WriteAllBytesAsync(Path.Combine(deadWork, "upload.tar.gz"), new byte[1 << 20]);
        var deadStaging = Directory.CreateDirectory(Path.Combine(Staging, "20261201000000-dead")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(deadStaging, "x-ubuntu.tar.xz"), new byte[1 << 20]);

        await _f.Data.Get<DataDirectory>().PrepareAsync(None);

        Assert.False(Directory.Exists(deadWork));
        Assert.False(Directory.Exists(deadStaging));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }

    private async Task<List<string>> PoolPathsAsync()
    {
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.PoolFiles.Select(p => p.Path).ToListAsync();
    }
}
