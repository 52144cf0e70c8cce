using SystemImage.Core.Audit;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using Xunit;

namespace SystemImage.Core.Tests.Images;

/// <summary>Reverting a channel of three devices that share their parts (the same builds published to each).</summary>
public sealed class ChannelRevertTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _f = null!;

    private ChannelRevert Reverts => _f.Data.Get<ChannelRevert>();

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("stable", ["flo", "grouper", "mako"]));
        foreach (var device in new[] { "flo", "mako" })
        {
            Assert.True((await _f.PublishBuildAsync("stable", device, 1)).Succeeded);
            Assert.True((await _f.PublishBuildAsync("stable", device, 2)).Succeeded);
        }

        Assert.True((await _f.PublishBuildAsync("stable", "grouper", 1)).Succeeded);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task EveryDeviceGetsItsPreviousGoodBuildAgainInOneChangeAndTheBadOneIsMarked()
    {
        var before = _f.Snapshot();
        var (preview, planned) = await Reverts.PreviewAsync("stable", None);
        Assert.StartsWith("Would revert 2 of 3 device(s) of stable", preview.Message);
        Assert.Equal([(2, 1, 3), (1, null, null), (2, 1, 3)], planned.Select(d => (d.BadVersion, d.GoodVersion, d.NewVersion)));
        Assert.Equal("skipped: no earlier good build", planned[1].Outcome);
        Assert.Equal(before, _f.Snapshot());

        var (result, devices) = await Reverts.RevertAsync("stable", ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(planned, devices);
        foreach (var device in new[] { "flo", "mako" })
        {
            var images = _f.Images("stable", device);
            string Path(int v) => images.Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == v)!["files"]![0]!["path"]!.GetValue<string>();
            Assert.Equal(Path(1), Path(3));
            var listed = (await _f.Data.Get<ImageQueries>().ListOrNullAsync("stable", device, None))!;
            Assert.All(listed, i => Assert.Equal(i.Version == 2, i.RevertedAt is not null));
        }

        var entry = (await _f.Data.Get<AuditQueries>().ListAsync("stable", null, 10, None))[0];
        Assert.Equal(("revert-channel", "bad flo 2, mako 2", "flo 3 (good 1), mako 3 (good 1)"), (entry.Action, entry.Before, entry.After));

        // The reverted build is not "good" for the next revert: flo's version 3 is build 1 again, so there is none.
        var (again, _) = await Reverts.PreviewAsync("stable", None);
        Assert.StartsWith("Would revert 0 of 3", again.Message);
    }

    [Fact]
    public async Task RefusesUnknownChannelsAndAliases()
    {
        Assert.True((await _f.Data.Get<SystemImage.Core.Channels.ChannelService>().CreateAliasAsync("daily", "stable", ImageFixture.Tester, None)).Succeeded);
        var before = _f.Snapshot();

        Assert.Equal(OperationStatus.NotFound, (await Reverts.RevertAsync("nowhere", ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Conflict, (await Reverts.RevertAsync("daily", ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(before, _f.Snapshot());
    }
}
