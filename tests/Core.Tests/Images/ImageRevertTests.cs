using SystemImage.Core.Audit;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ImageRevertTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _fixture = null!;

    private ImageRevert Revert => _fixture.Data.Get<ImageRevert>();

    private ImporterConfigService Importers => _fixture.Data.Get<ImporterConfigService>();

    public async Task InitializeAsync()
    {
        _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));
        for (var build = 1; build <= 3; build++)
        {
            await _fixture.PublishBuildAsync("devel", "mako", build);
        }
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task OnAManualChannelTheGoodBuildIsCopiedAsANewVersion()
    {
        var result = await Revert.RevertAsync("devel", "mako", 2, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Reverted devel/mako: Published good version 2 again as version 4 over bad version 3.", result.Message);
        Assert.Equal(PathOf(2), PathOf(4));
        Assert.Contains("delta 3-4", _fixture.Entries("devel", "mako"));
        var entry = (await _fixture.Data.Get<AuditQueries>().ListAsync("devel", null, 1, None)).Single();
        Assert.Equal("revert-image", entry.Action);
        Assert.Contains("good version 2 again over bad version 3", entry.Detail, StringComparison.Ordinal);
        var images = (await _fixture.Data.Get<ImageQueries>().ListOrNullAsync("devel", "mako", None))!;
        Assert.All(images.Where(i => i.Version == 3), i => Assert.NotNull(i.RevertedAt));
        Assert.All(images.Where(i => i.Version != 3), i => Assert.Null(i.RevertedAt));
    }

    [Fact]
    public async Task OnAnAutoChannelImportsArePausedBeforeTheCopy()
    {
        await MakeAutoAsync(paused: false);

        var result = await Revert.RevertAsync("devel", "mako", 2, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("Reverted devel/mako: Paused imports of devel. Published good version 2 again as version 4 over bad version 3.", result.Message);
        Assert.True((await Importers.GetAsync("devel", None))!.Paused);
        Assert.Equal(PathOf(2), PathOf(4));
        var actions = (await _fixture.Data.Get<AuditQueries>().ListAsync("devel", null, 2, None)).Select(a => a.Action);
        Assert.Equal(["revert-image", "pause-import"], actions);
    }

    [Fact]
    public async Task OnAnAlreadyPausedChannelItSaysSoAndStaysPaused()
    {
        await MakeAutoAsync(paused: true);

        var result = await Revert.RevertAsync("devel", "mako", 1, ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("Imports of devel already are paused.", result.Message);
        Assert.True((await Importers.GetAsync("devel", None))!.Paused);
    }

    [Theory]
    [InlineData(3, OperationStatus.Conflict, "already is the latest")]
    [InlineData(9, OperationStatus.NotFound, "has no full image 9")]
    public async Task ARefusedRevertChangesNothingAndLeavesImportsRunning(int version, OperationStatus status, string message)
    {
        await MakeAutoAsync(paused: false);
        var before = _fixture.Snapshot();

        var result = await Revert.RevertAsync("devel", "mako", version, ImageFixture.Tester, None);

        Assert.Equal(status, result.Status);
        Assert.Contains(message, result.Message);
        Assert.False((await Importers.GetAsync("devel", None))!.Paused);
        Assert.Equal(before, _fixture.Snapshot());
    }

    private async Task MakeAutoAsync(bool paused)
    {
        var config = new ImporterConfig
        {
            Type = ChannelType.Auto,
            Files = [new ImportFile { Name = "version", Generator = VersionGenerator.GeneratorName }],
            Paused = paused,
        };
        var saved = await Importers.SetAsync("devel", config, ImageFixture.Tester, None);
        Assert.True(saved.Succeeded, saved.Message);
    }

    private string PathOf(int version) => _fixture.Images("devel", "mako")
        .Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == version)!["files"]![0]!["path"]!.GetValue<string>();
}
