using System.Text;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class AliasImageSyncTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _fixture = null!;

    public async Task InitializeAsync()
    {
        _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["mako"]));
        await _fixture.PublishBuildAsync("devel", "mako", 1);
        await _fixture.Data.Get<ChannelService>().CreateAliasAsync("current", "devel", ImageFixture.Tester, None);
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task AnAliasGetsTheTargetsImagesWithItsOwnVersionTarballs()
    {
        await _fixture.PublishBuildAsync("devel", "mako", 2, percentage: 40);

        Assert.Equal(_fixture.Entries("devel", "mako"), _fixture.Entries("current", "mako"));
        var latest = _fixture.Images("current", "mako").Where(i => i!["version"]!.GetValue<int>() == 2).ToList();
        Assert.All(latest, i => Assert.Equal(40, i!["phased-percentage"]!.GetValue<int>()));
        var versionPath = latest[0]!["files"]!.AsArray()[^1]!["path"]!.GetValue<string>();
        Assert.Equal("/current/mako/version-2.tar.xz", versionPath);
        var ini = ChannelIni("/current/mako/version-2.tar.xz");
        Assert.Contains("channel: current\n", ini);
        Assert.Contains("channel_target: devel\n", ini);
    }

    [Fact]
    public async Task PhasingAndRemovalOnTheTargetReachTheAlias()
    {
        await _fixture.PublishBuildAsync("devel", "mako", 2);

        await _fixture.Data.Get<ImageEditor>().SetPhasedPercentageAsync("devel", "mako", 2, 5, ImageFixture.Tester, None);
        Assert.All(_fixture.Images("current", "mako").Where(i => i!["version"]!.GetValue<int>() == 2), i => Assert.Equal(5, i!["phased-percentage"]!.GetValue<int>()));

        await _fixture.Data.Get<ImageEditor>().RemoveAsync("devel", "mako", 2, 1, ImageFixture.Tester, None);
        Assert.Equal(["full 1", "full 2"], _fixture.Entries("current", "mako"));
    }

    [Fact]
    public async Task RetargetingRegeneratesTheVersionTarballsForTheNewTarget()
    {
        await _fixture.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImageFixture.Tester, None);

        await _fixture.Data.Get<ChannelService>().RetargetAliasAsync("current", "stable", ImageFixture.Tester, None);

        Assert.Equal(_fixture.Entries("stable", "mako"), _fixture.Entries("current", "mako"));
        Assert.Contains("channel_target: stable\n", ChannelIni("/current/mako/version-1.tar.xz"));
    }

    [Fact]
    public async Task RenamingAChannelRegeneratesItsVersionTarballs()
    {
        var result = await _fixture.Data.Get<ChannelService>().RenameAsync("devel", "ubuntu/devel", ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var files = _fixture.Images("ubuntu/devel", "mako").Single()!["files"]!.AsArray();
        Assert.Equal("/ubuntu/devel/mako/version-1.tar.xz", files[^1]!["path"]!.GetValue<string>());
        Assert.Contains("channel: ubuntu/devel\n", ChannelIni("/ubuntu/devel/mako/version-1.tar.xz"));
        Assert.Contains("channel_target: ubuntu/devel\n", ChannelIni("/current/mako/version-1.tar.xz"));
        TreeAssert.Missing(_fixture.Data, "/devel");
    }

    private string ChannelIni(string path) =>
        Encoding.UTF8.GetString(TreeAssert.ReadTarXz(_fixture.Data.File(path))["system/etc/system-image/channel.ini"]);
}
