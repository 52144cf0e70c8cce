using System.Text;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ImageCopyServiceTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _fixture = null!;

    private ImageCopyService Copies => _fixture.Data.Get<ImageCopyService>();

    public async Task InitializeAsync()
    {
        _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["mako"]));
        await _fixture.PublishBuildAsync("devel", "mako", 1);
        await _fixture.PublishBuildAsync("devel", "mako", 2);
        await _fixture.PublishBuildAsync("devel", "mako", 3);
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task CopyPromotesTheLatestFullImageAsTheNextVersionWithPhasingAndTag()
    {
        var result = await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { PhasedPercentage = 20, Tag = "rc1" }, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var image = Assert.Single(_fixture.Images("stable", "mako"))!;
        Assert.Equal(1, image["version"]!.GetValue<int>());
        Assert.Equal(20, image["phased-percentage"]!.GetValue<int>());
        Assert.EndsWith(",tag=rc1,version=1", image["version_detail"]!.GetValue<string>());
        var source = _fixture.Images("devel", "mako").Single(i => i!["version"]!.GetValue<int>() == 3 && i["type"]!.GetValue<string>() == "full")!;
        Assert.Equal(source["files"]![0]!["path"]!.GetValue<string>(), image["files"]![0]!["path"]!.GetValue<string>());
        var ini = Encoding.UTF8.GetString(TreeAssert.ReadTarXz(_fixture.Data.File("/stable/mako/version-1.tar.xz"))["system/etc/system-image/channel.ini"]);
        Assert.Contains("channel: stable\n", ini);
    }

    [Fact]
    public async Task CopyRefusesWhenTheSourceAlreadyIsTheDestinationsLatest()
    {
        await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImageFixture.Tester, None);
        var before = _fixture.Snapshot();

        var again = await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Conflict, again.Status);
        Assert.Contains("already is the latest", again.Message);
        Assert.Equal(before, _fixture.Snapshot());
    }

    [Fact]
    public async Task CopyByRevisionOrOffsetPicksThatImageAndMakesADeltaFromTheDestinationsLatest()
    {
        await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 1 }, ImageFixture.Tester, None);

        var result = await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Offset = 1 }, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("version 2 of devel/mako", result.Message);
        Assert.Equal(["full 1", "full 2", "delta 1-2"], _fixture.Entries("stable", "mako"));
    }

    [Fact]
    public async Task KeepVersionKeepsTheSourceNumber()
    {
        var result = await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { KeepVersion = true }, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(["full 3"], _fixture.Entries("stable", "mako"));
    }

    [Fact]
    public async Task CopyRefusesAnAliasDestination()
    {
        await _fixture.Data.Get<ChannelService>().CreateAliasAsync("current", "stable", ImageFixture.Tester, None);

        var result = await Copies.CopyAsync(new CopyImageRequest("devel", "current", "mako"), ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("alias", result.Message);
    }

    [Fact]
    public async Task CopyRefusesARedirectDestinationAndAPerDeviceRedirect()
    {
        await _fixture.Data.Get<ChannelService>().CreateRedirectAsync("old", "stable", ImageFixture.Tester, None);
        await _fixture.Data.Get<ChannelService>().CreateAsync("proposed", false, ImageFixture.Tester, None);
        await _fixture.Data.Get<DeviceService>().CreateRedirectAsync("proposed", "mako", "devel", ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Conflict, (await Copies.CopyAsync(new CopyImageRequest("devel", "old", "mako"), ImageFixture.Tester, None)).Status);
        Assert.Equal(OperationStatus.Conflict, (await Copies.CopyAsync(new CopyImageRequest("devel", "proposed", "mako"), ImageFixture.Tester, None)).Status);
    }

    [Fact]
    public async Task CopyRefusesAMissingSourceVersion() =>
        Assert.Equal(OperationStatus.NotFound, (await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 9 }, ImageFixture.Tester, None)).Status);

    [Fact]
    public async Task TagPublishesANewVersionCarryingTheTag()
    {
        var result = await Copies.TagAsync("devel", "mako", 3, "milestone-1", ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var latest = _fixture.Images("devel", "mako").Where(i => i!["type"]!.GetValue<string>() == "full").MaxBy(i => i!["version"]!.GetValue<int>())!;
        Assert.Equal(4, latest["version"]!.GetValue<int>());
        Assert.Contains("tag=milestone-1,version=4", latest["version_detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATagWithACommaIsRefused()
    {
        var result = await Copies.TagAsync("devel", "mako", 3, "a,b", ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(",", result.Message);
    }

    [Fact]
    public async Task RevertingCopiesTheLastGoodBuildAsANewImage()
    {
        var result = await Copies.CopyAsync(new CopyImageRequest("devel", "devel", "mako") { Version = 2 }, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var full4 = _fixture.Images("devel", "mako").Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 4)!;
        var full2 = _fixture.Images("devel", "mako").Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!;
        Assert.Equal(full2["files"]![0]!["path"]!.GetValue<string>(), full4["files"]![0]!["path"]!.GetValue<string>());
        Assert.Contains("delta 3-4", _fixture.Entries("devel", "mako"));
    }

    public sealed class Expiry : IAsyncLifetime
    {
        private ImageFixture _fixture = null!;

        public async Task InitializeAsync()
        {
            _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));
            await using var db = await _fixture.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
            (await db.Channels.SingleAsync()).FullCount = 2;
            await db.SaveChangesAsync();
        }

        public async Task DisposeAsync() => await _fixture.DisposeAsync();

        [Fact]
        public async Task FourBuildsWithFullCountTwoKeepVersionsThreeAndFourAndCleanupRemovesExactlyTheExpiredFiles()
        {
            for (var build = 1; build <= 4; build++)
            {
                Assert.True((await _fixture.PublishBuildAsync("devel", "mako", build)).Succeeded);
            }

            Assert.Equal(["full 3", "full 4", "delta 3-4"], _fixture.Entries("devel", "mako"));
            var check = await _fixture.Data.Get<SystemImage.Core.Maintenance.TreeMaintenance>().CheckAsync(None);
            Assert.Empty(check.Missing);
            Assert.Contains("/devel/mako/version-1.tar.xz", check.Orphaned);
            Assert.DoesNotContain(check.Orphaned, p => p.Contains("version-3") || p.Contains("version-4"));

            var removed = (await _fixture.Data.Get<SystemImage.Core.Maintenance.TreeMaintenance>().CleanupAsync(ImageFixture.Tester, None)).Removed;

            Assert.Equal(check.Orphaned, removed);
            var parts = await _fixture.PartChecksumsAsync();
            Assert.Equal(2, parts.Count);
            Assert.Equal(parts.Order(), _fixture.ManifestChecksums().Order());
            var after = await _fixture.Data.Get<SystemImage.Core.Maintenance.TreeMaintenance>().CheckAsync(None);
            Assert.Empty(after.Missing);
            Assert.Empty(after.Orphaned);
            foreach (var file in _fixture.Images("devel", "mako").SelectMany(i => i!["files"]!.AsArray()))
            {
                TreeAssert.Exists(_fixture.Data, file!["path"]!.GetValue<string>());
            }
        }
    }
}
