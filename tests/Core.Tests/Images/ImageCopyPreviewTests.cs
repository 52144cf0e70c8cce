using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ImageCopyPreviewTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _fixture = null!;

    private ImageCopyService Copies => _fixture.Data.Get<ImageCopyService>();

    public async Task InitializeAsync()
    {
        _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["mako"]));
        for (var build = 1; build <= 3; build++)
        {
            await _fixture.PublishBuildAsync("devel", "mako", build);
        }
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task PreviewNamesTheVersionAndDeltasTheCopyThenPublishesWithoutChangingAnything()
    {
        await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 1 }, ImageFixture.Tester, None);
        var before = _fixture.Snapshot();
        var request = new CopyImageRequest("devel", "stable", "mako") { Tag = "rc1" };

        var (result, preview) = await Copies.PreviewAsync(request, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Would copy version 3 of devel/mako to stable as version 2, with deltas from 1.", result.Message);
        Assert.Equal((3, 2), (preview!.SourceVersion, preview.NewVersion));
        Assert.Equal([1], preview.DeltaBases);
        Assert.EndsWith(",tag=rc1,version=2", preview.VersionDetail);
        Assert.Equal(before, _fixture.Snapshot());

        Assert.True((await Copies.CopyAsync(request, ImageFixture.Tester, None)).Succeeded);
        Assert.Equal(["full 1", "full 2", "delta 1-2"], _fixture.Entries("stable", "mako"));
        var published = _fixture.Images("stable", "mako").First(i => i!["version"]!.GetValue<int>() == 2)!;
        Assert.Equal(preview.VersionDetail, published["version_detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PreviewIntoAnEmptyDeviceHasNoDeltasAndKeepVersionKeepsTheNumber()
    {
        var (first, preview) = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 2 }, None);
        var (_, kept) = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako") { KeepVersion = true }, None);

        Assert.Equal((1, 0), (preview!.NewVersion, preview.DeltaBases.Count));
        Assert.Contains("without deltas", first.Message);
        Assert.Equal(3, kept!.NewVersion);
    }

    [Fact]
    public async Task PreviewStatesThePhasedPercentageTheCopyGetsAndTheCopyGetsIt()
    {
        var (_, unphased) = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 1 }, None);
        var phasedRequest = new CopyImageRequest("devel", "stable", "mako") { Version = 2, PhasedPercentage = 20 };
        var (_, phased) = await Copies.PreviewAsync(phasedRequest, None);

        Assert.Equal((100, 20), (unphased!.PhasedPercentage, phased!.PhasedPercentage));
        Assert.True((await Copies.CopyAsync(phasedRequest, ImageFixture.Tester, None)).Succeeded);
        var published = _fixture.Images("stable", "mako").First(i => i!["version"]!.GetValue<int>() == 1)!;
        Assert.Equal(20, published["phased-percentage"]!.GetValue<int>());
    }

    [Fact]
    public async Task PreviewRefusesWhatTheCopyWouldRefuse()
    {
        await Copies.CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImageFixture.Tester, None);
        await _fixture.Data.Get<ChannelService>().CreateAliasAsync("current", "stable", ImageFixture.Tester, None);

        var latest = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako"), None);
        var alias = await Copies.PreviewAsync(new CopyImageRequest("devel", "current", "mako"), None);
        var missing = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 9 }, None);
        var unknown = await Copies.PreviewAsync(new CopyImageRequest("nope", "stable", "mako"), None);
        var phased = await Copies.PreviewAsync(new CopyImageRequest("devel", "stable", "mako") { PhasedPercentage = 101 }, None);

        Assert.Equal((OperationStatus.Conflict, null), (latest.Result.Status, latest.Preview));
        Assert.Contains("already is the latest", latest.Result.Message);
        Assert.Equal(OperationStatus.Conflict, alias.Result.Status);
        Assert.Equal(OperationStatus.NotFound, missing.Result.Status);
        Assert.Equal("Channel 'nope' does not exist.", unknown.Result.Message);
        Assert.Equal(OperationStatus.Invalid, phased.Result.Status);
    }
}
