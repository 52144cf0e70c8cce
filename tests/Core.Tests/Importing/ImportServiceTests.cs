using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

/// <summary>The import algorithm of SPEC §5, step by step, with real tarballs, pool, tree and signatures.</summary>
public sealed class ImportServiceTests : IAsyncLifetime
{
    private ImportFixture _f = null!;

    public async Task InitializeAsync() => _f = await ImportFixture.CreateAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task TheFirstImportPublishesAFullImageAtTheVersionBaseWithEveryFileAndTheVersionTarballLast()
    {
        await _f.CreateAsync("devel", "mako");
        await _f.ConfigureAsync("devel", _f.Auto() with { VersionBase = 5 });
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);

        var outcome = await _f.ImportAsync("devel");

        Assert.True(outcome.Published, string.Join('\n', _f.Log));
        Assert.Equal(["full 5"], _f.Entries("devel", "mako"));
        var files = _f.Images("devel", "mako")[0]!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(3, files.Count);
        Assert.StartsWith("/pool/ubuntu-", files[0]);
        Assert.StartsWith("/pool/device-", files[1]);
        Assert.Equal("/devel/mako/version-5.tar.xz", files[2]);
        Assert.Matches("^ubuntu=[0-9a-f]{8},device=[0-9a-f]{8},version=5$", _f.Images("devel", "mako")[0]!["version_detail"]!.GetValue<string>());
        var ubuntuInput = new FileInfo(Path.Combine(_f.Inputs("ubuntu"), "all.tar.gz")).Length;
        Assert.Contains(("mako", "ubuntu", ubuntuInput, ubuntuInput), _f.Progress);
        Assert.Contains(_f.Progress, p => p is ("mako", "device", > 0, > 0));
    }

    [Fact]
    public async Task NothingNewPublishesNothingByteForByte()
    {
        await _f.CreateAsync("devel", "mako");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);
        await _f.ImportAsync("devel");
        var before = _f.Snapshot();

        var outcome = await _f.ImportAsync("devel");

        Assert.False(outcome.Published);
        Assert.Contains("Nothing new", outcome.Result.Message);
        Assert.Equal(before, _f.Snapshot());
    }

    [Fact]
    public async Task ANewFileMakesTheNextVersionWithADeltaCarryingOnlyTheChangedPart()
    {
        await _f.CreateAsync("devel", "mako");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);
        await _f.ImportAsync("devel");
        _f.WriteBuild("ubuntu", 2);

        await _f.ImportAsync("devel");

        Assert.Equal(["delta 1-2", "full 1", "full 2"], _f.Entries("devel", "mako").Order());
        var delta = _f.Images("devel", "mako").Single(i => i!["type"]!.GetValue<string>() == "delta")!;
        var paths = delta["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(2, paths.Count);
        Assert.Contains(".delta-ubuntu-", paths[0]);
        Assert.Equal("/devel/mako/version-2.tar.xz", paths[1]);
    }

    [Fact]
    public async Task AGeneratorGivingNothingCancelsThatDevicesImageAndLeavesTheTreeUntouched()
    {
        await _f.CreateAsync("devel", "flo");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        var before = _f.Snapshot();

        var outcome = await _f.ImportAsync("devel");

        Assert.False(outcome.Published);
        Assert.Contains("cancelled: file 'device'", outcome.Devices.Single().Message);
        Assert.Equal(before, _f.Snapshot());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_f.Data.Options.StateDir, "work")));
    }

    [Fact]
    public async Task OneDeviceCancelledDoesNotStopTheOthers()
    {
        await _f.CreateAsync("devel", "flo", "mako");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1, "mako");

        var outcome = await _f.ImportAsync("devel");

        Assert.Equal([null, 1], outcome.Devices.Select(d => d.Version));
        Assert.Equal(["full 1"], _f.Entries("devel", "mako"));
        Assert.Empty(_f.Images("devel", "flo"));
    }

    [Fact]
    public async Task ADeviceOverrideReplacesTheGenericEntryForThatDeviceOnly()
    {
        await _f.CreateAsync("devel", "flo", "mako");
        var special = _f.Inputs("special");
        SystemImage.TestUtilities.SimpleTarball.WriteBuild(Path.Combine(special, "all.tar.gz"), 42);
        var config = _f.Auto();
        await _f.ConfigureAsync("devel", config with
        {
            Files = [config.Files[0], config.Files[1], config.Files[1] with { Device = "flo", Arguments = [special] }, config.Files[2]],
        });
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);

        await _f.ImportAsync("devel");

        string DevicePart(string device) => _f.Images("devel", device)[0]!["files"]![1]!["path"]!.GetValue<string>();
        Assert.NotEqual(DevicePart("mako"), DevicePart("flo"));
        Assert.Equal(3, _f.Images("devel", "flo")[0]!["files"]!.AsArray().Count);
    }

    [Fact]
    public async Task ThreeDevicesSharingAPartGetOneDeltaWhileAnOverriddenPartStaysTheirOwn()
    {
        await _f.CreateAsync("devel", "flo", "krillin", "mako");
        var special = _f.Inputs("special");
        var config = _f.Auto();
        await _f.ConfigureAsync("devel", config with
        {
            Files = [config.Files[0], config.Files[1], config.Files[1] with { Device = "flo", Arguments = [special] }, config.Files[2]],
        });
        foreach (var build in new[] { 1, 2 })
        {
            _f.WriteBuild("ubuntu", build);
            _f.WriteBuild("device", build);
            SystemImage.TestUtilities.SimpleTarball.WriteBuild(Path.Combine(special, "all.tar.gz"), 40 + build);
            Assert.True((await _f.ImportAsync("devel")).Published);
        }

        string[] devices = ["flo", "krillin", "mako"];
        List<string> DeltaFiles(string device) =>
            [.. _f.Images("devel", device).Single(i => i!["type"]!.GetValue<string>() == "delta")!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>())];
        Assert.Single(devices.Select(d => DeltaFiles(d)[0]).Distinct());
        Assert.Equal(DeltaFiles("krillin")[1], DeltaFiles("mako")[1]);
        Assert.NotEqual(DeltaFiles("flo")[1], DeltaFiles("mako")[1]);
        var check = await _f.Data.Get<SystemImage.Core.Maintenance.TreeMaintenance>().CheckAsync(CancellationToken.None);
        Assert.Empty(check.Missing);
        Assert.Empty(check.Orphaned);
    }

    [Fact]
    public async Task AnImportKilledAfterItsCommitsIsPublishedByTheNextChange()
    {
        await _f.CreateAsync("devel", "flo", "mako");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);
        var before = _f.Snapshot();
        using (SystemImage.Core.Operations.TreeMutator.SimulateCrashAfterCommit())
        {
            Assert.True((await _f.ImportAsync("devel")).Published);
        }

        Assert.Empty(_f.Images("devel", "mako"));
        Assert.NotEqual(before, _f.Snapshot());

        await _f.Data.Get<SystemImage.Core.Channels.ChannelService>().SetHiddenAsync("devel", true, ImportFixture.Tester, CancellationToken.None);

        Assert.Equal(["full 1"], _f.Entries("devel", "mako"));
        Assert.Equal(["full 1"], _f.Entries("devel", "flo"));
        Assert.Equal(0, await _f.Data.Get<SystemImage.Core.Publishing.PendingPublishes>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeltaBasesFromOtherChannelsCountOnlyWhenTheSameVersionIsAFullImageHere()
    {
        await _f.CreateAsync("devel", "mako");
        await _f.CreateAsync("stable", "mako");
        await _f.CreateAsync("rc", "mako");
        await _f.ConfigureAsync("devel", _f.Auto(0, "devel", "stable", "rc") with { VersionBase = 10 });
        _f.WriteBuild("device", 1);
        for (var build = 1; build <= 2; build++)
        {
            _f.WriteBuild("ubuntu", build);
            await _f.ImportAsync("devel");
        }

        // stable's latest is version 1, which devel does not have as a full image: no base.
        var copy = await _f.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImportFixture.Tester, CancellationToken.None);
        Assert.True(copy.Succeeded, copy.Message);
        _f.WriteBuild("ubuntu", 3);
        await _f.ImportAsync("devel");
        Assert.Equal(["delta 11-12"], _f.Entries("devel", "mako").Where(e => e.StartsWith("delta", StringComparison.Ordinal) && e.EndsWith("-12", StringComparison.Ordinal)));

        // stable gets devel's version 10 and rc its version 11 under the same numbers: now bases for the next image.
        copy = await _f.Data.Get<ImageCopyService>().CopyAsync(
            new CopyImageRequest("devel", "stable", "mako") { Version = 10, KeepVersion = true }, ImportFixture.Tester, CancellationToken.None);
        Assert.True(copy.Succeeded, copy.Message);
        copy = await _f.Data.Get<ImageCopyService>().CopyAsync(
            new CopyImageRequest("devel", "rc", "mako") { Version = 11, KeepVersion = true }, ImportFixture.Tester, CancellationToken.None);
        Assert.True(copy.Succeeded, copy.Message);
        _f.WriteBuild("ubuntu", 4);
        await _f.ImportAsync("devel");
        Assert.Equal(["delta 10-13", "delta 11-13", "delta 12-13"], _f.Entries("devel", "mako").Where(e => e.EndsWith("-13", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task ExpiresByFullCountResyncsAliasesAndRemovesOrphanedFiles()
    {
        await _f.CreateAsync("devel", "mako");
        Assert.True((await _f.Data.Get<ChannelService>().CreateAliasAsync("daily", "devel", ImportFixture.Tester, CancellationToken.None)).Succeeded);
        await _f.ConfigureAsync("devel", _f.Auto(fullCount: 2));
        _f.WriteBuild("device", 1);
        var firstUbuntu = new List<string>();
        for (var build = 1; build <= 3; build++)
        {
            _f.WriteBuild("ubuntu", build);
            await _f.ImportAsync("devel");
            if (build == 1)
            {
                firstUbuntu.Add(_f.Images("devel", "mako")[0]!["files"]![0]!["path"]!.GetValue<string>());
            }
        }

        Assert.Equal(["delta 2-3", "full 2", "full 3"], _f.Entries("devel", "mako").Order());
        Assert.Equal(["delta 2-3", "full 2", "full 3"], _f.Entries("daily", "mako").Order());
        Assert.False(File.Exists(_f.Data.File(firstUbuntu[0])), "the expired build's pool file is cleaned up");
        Assert.False(File.Exists(_f.Data.File("/devel/mako/version-1.tar.xz")));
    }

    [Fact]
    public async Task RefusesUnknownManualAndPausedChannels()
    {
        await _f.CreateAsync("manual", "mako");
        await _f.CreateAsync("devel", "mako");
        await _f.ConfigureAsync("devel", _f.Auto() with { Paused = true });

        Assert.Equal(OperationStatus.NotFound, (await _f.ImportAsync("nope")).Result.Status);
        Assert.Contains("not an automatic channel", (await _f.ImportAsync("manual")).Result.Message);
        Assert.Contains("paused", (await _f.ImportAsync("devel")).Result.Message);
    }

    [Fact]
    public async Task ImportsNeverOverlapOtherTreeChanges()
    {
        await _f.CreateAsync("devel", "mako");
        await _f.ConfigureAsync("devel", _f.Auto());
        _f.WriteBuild("ubuntu", 1);
        _f.WriteBuild("device", 1);
        var publishLock = _f.Data.Get<SystemImage.Core.Publishing.PublishLock>();
        Task<ImportOutcome> import;
        await using (await publishLock.AcquireAsync(CancellationToken.None))
        {
            import = _f.ImportAsync("devel");
            await Task.Delay(300);
            Assert.False(import.IsCompleted, "the import waits for the lock another writer holds");
        }

        Assert.True((await import).Published);
    }

    public sealed class MirrorSyncCommand : IAsyncLifetime
    {
        private ImportFixture _f = null!;
        private string _marker = null!;

        public async Task InitializeAsync()
        {
            _marker = Path.Combine(Path.GetTempPath(), $"mirror-{Guid.NewGuid():N}");
            _f = await ImportFixture.CreateAsync(new Dictionary<string, string?>
            {
                ["SystemImage:Import:MirrorSyncCommand"] = "/bin/sh",
                ["SystemImage:Import:MirrorSyncArguments:0"] = "-c",
                ["SystemImage:Import:MirrorSyncArguments:1"] = $"echo synced >> {_marker}; echo rsync: no route >&2; exit 3",
            });
        }

        public async Task DisposeAsync()
        {
            File.Delete(_marker);
            await _f.DisposeAsync();
        }

        [Fact]
        public async Task RunsAfterAPublishLogsAFailureAndKeepsThePublish()
        {
            await _f.CreateAsync("devel", "mako");
            await _f.ConfigureAsync("devel", _f.Auto());
            _f.WriteBuild("ubuntu", 1);
            _f.WriteBuild("device", 1);

            var outcome = await _f.ImportAsync("devel");
            await _f.ImportAsync("devel");

            Assert.True(outcome.Published);
            Assert.Equal(["full 1"], _f.Entries("devel", "mako"));
            Assert.Equal("synced\n", await File.ReadAllTextAsync(_marker));
            Assert.Contains(_f.Log, line => line.Contains("failed with exit 3: rsync: no route"));
        }
    }

    public sealed class Runs : IAsyncLifetime
    {
        private ImportFixture _f = null!;

        public async Task InitializeAsync() => _f = await ImportFixture.CreateAsync();

        public async Task DisposeAsync() => await _f.DisposeAsync();

        [Fact]
        public async Task KeepStateProgressAndLogInTheDatabase()
        {
            await _f.CreateAsync("devel", "mako");
            await _f.ConfigureAsync("devel", _f.Auto());
            _f.WriteBuild("ubuntu", 1);
            _f.WriteBuild("device", 1);
            var runs = _f.Data.Get<ImportRuns>();

            var first = await runs.QueueAsync("devel", "import-now", ImportFixture.Tester, CancellationToken.None);
            Assert.Equal(ImportRunState.Queued, (await runs.GetAsync(first, CancellationToken.None))!.State);
            await runs.RunAsync(first, ImportFixture.Tester, CancellationToken.None);
            var second = await runs.QueueAsync("devel", "schedule", Actor.System, CancellationToken.None);
            await runs.RunAsync(second, Actor.System, CancellationToken.None);

            var done = (await runs.GetAsync(first, CancellationToken.None))!;
            Assert.Equal(ImportRunState.Succeeded, done.State);
            Assert.Contains("mako: published version 1", done.Log);
            Assert.NotNull(done.FinishedAt);
            Assert.Equal("tester (job)", done.Actor);
            Assert.Equal(ImportRunState.NothingNew, (await runs.GetAsync(second, CancellationToken.None))!.State);
            Assert.Equal([second, first], (await _f.Data.Get<ImportRunQueries>().RecentAsync("devel", null, 10, CancellationToken.None)).Select(r => r.Id));
        }
    }
}
