using SystemImage.Core.Audit;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

/// <summary>
/// Numbers and texts that end up in every signed index.json (minversion, descriptions, tags, versions) or size a
/// listing: out-of-range values are refused with the reason, and nothing changes.
/// </summary>
public sealed class InputLimitTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _f = null!;

    public async Task InitializeAsync() => _f = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["mako"]));

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private ImageService Images => _f.Data.Get<ImageService>();

    [Theory]
    [InlineData(-7, "minVersion -7 is out of range: it must be between 0 and the version being published.")]
    [InlineData(1_000_000_000, "minVersion 1000000000 is out of range: it must be between 0 and the version being published.")]
    [InlineData(3, "minVersion 3 is out of range: it must be between 0 and the version being published (2).")]
    public async Task MinVersionOutsideZeroToTheNewVersionIsRefused(int minVersion, string expected)
    {
        await _f.PublishBuildAsync("devel", "mako", 1);
        var before = _f.Snapshot();

        var result = await Images.PublishAsync(Request(2, minVersion: minVersion), ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal(expected, result.Message);
        Assert.Equal(before, _f.Snapshot());
    }

    [Fact]
    public async Task MinVersionUpToTheNewVersionIsPublished()
    {
        await _f.PublishBuildAsync("devel", "mako", 1);

        var result = await Images.PublishAsync(Request(2, minVersion: 2), ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        var full = _f.Images("devel", "mako").Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!;
        Assert.Equal(2, full["minversion"]!.GetValue<int>());
    }

    [Fact]
    public async Task ADescriptionOverTheLimitIsRefusedOnPublishAndOnEdit()
    {
        await _f.PublishBuildAsync("devel", "mako", 1);
        var before = _f.Snapshot();
        var megabyte = new string('x', 1 << 20);

        var published = await Images.PublishAsync(Request(2, description: megabyte), ImageFixture.Tester, None);
        var edited = await _f.Data.Get<ImageEditor>().SetDescriptionAsync("devel", "mako", 1, megabyte, null, ImageFixture.Tester, None);
        var translated = await _f.Data.Get<ImageEditor>().SetDescriptionAsync(
            "devel", "mako", 1, "fine", new Dictionary<string, string> { ["de"] = new string('ü', 2049) }, ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Invalid, published.Status);
        Assert.Equal("The description is 1048576 bytes long; the limit is 4096 bytes (SystemImage:Descriptions:MaxBytes).", published.Message);
        Assert.Equal(OperationStatus.Invalid, edited.Status);
        Assert.Equal(OperationStatus.Invalid, translated.Status);
        Assert.Equal("The 'de' translation is 4098 bytes long; the limit is 4096 bytes (SystemImage:Descriptions:MaxBytes).", translated.Message);
        Assert.Equal(before, _f.Snapshot());
    }

    [Fact]
    public async Task TheDescriptionLimitsAreConfigurable()
    {
        await using var data = await TestDataDirectory.CreateAsync(new Dictionary<string, string?>
        {
            ["SystemImage:Descriptions:MaxBytes"] = "10",
            ["SystemImage:Descriptions:MaxTranslations"] = "1",
        });
        var editor = data.Get<ImageEditor>();

        var tooLong = await editor.SetDescriptionAsync("devel", "mako", 1, "eleven byte", null, ImageFixture.Tester, None);
        var tooMany = await editor.SetDescriptionAsync(
            "devel", "mako", 1, "ok", new Dictionary<string, string> { ["de"] = "a", ["fr"] = "b" }, ImageFixture.Tester, None);

        Assert.Contains("is 11 bytes long; the limit is 10 bytes", tooLong.Message);
        Assert.Equal("An image may carry at most 1 translations, not 2 (SystemImage:Descriptions:MaxTranslations).", tooMany.Message);
    }

    [Fact]
    public async Task ATagLongerThanTheLimitIsRefused()
    {
        await _f.PublishBuildAsync("devel", "mako", 1);

        var result = await _f.Data.Get<ImageCopyService>().TagAsync("devel", "mako", 1, new string('t', 65), ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal("A tag is at most 64 characters, not 65.", result.Message);
    }

    [Fact]
    public async Task CopiesTagsAndPromotionsNeverPublishAVersionPast65535()
    {
        await _f.PublishBuildAsync("devel", "mako", 1);
        Assert.True((await Images.PublishAsync(Request(ImageService.MaxVersion, channel: "stable", build: 2), ImageFixture.Tester, None)).Succeeded);
        var before = _f.Snapshot();

        var tagged = await _f.Data.Get<ImageCopyService>().TagAsync("stable", "mako", ImageService.MaxVersion, "rc", ImageFixture.Tester, None);
        var copied = await _f.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako"), ImageFixture.Tester, None);
        var (promoted, devices) = await _f.Data.Get<ChannelPromotion>().PromoteAsync("devel", "stable", null, null, ImageFixture.Tester, None);

        Assert.Equal(OperationStatus.Invalid, tagged.Status);
        Assert.StartsWith("Version 65536 would be out of range (0–65535)", tagged.Message);
        Assert.Equal(OperationStatus.Invalid, copied.Status);
        Assert.StartsWith("Version 65536 would be out of range (0–65535)", copied.Message);
        Assert.True(promoted.Succeeded, promoted.Message);
        Assert.Equal("skipped: version 65536 would be out of range (0–65535)", Assert.Single(devices).Outcome);
        Assert.Equal(before.Where(f => !f.Key.StartsWith("channels.json", StringComparison.Ordinal)), _f.Snapshot().Where(f => !f.Key.StartsWith("channels.json", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task ListingLimitsOutside1To1000AreRefused(int limit)
    {
        Assert.Equal($"'limit' must be between 1 and 1000, not {limit}.", AuditQueries.ValidateLimit(limit));
        Assert.Equal($"'limit' must be between 1 and 1000, not {limit}.", ImportRunQueries.ValidateLimit(limit));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _f.Data.Get<AuditQueries>().ListAsync(null, null, limit, None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _f.Data.Get<ImportRunQueries>().RecentAsync(null, null, limit, None));
    }

    private PublishImageRequest Request(int build, int? minVersion = null, string? description = null, string channel = "devel")
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_f.Inputs, $"rootfs-{channel}-{build}.tar.gz"), build);
        return new PublishImageRequest(channel, "mako", [new PartInput("ubuntu", file)]) { MinVersion = minVersion, Description = description };
    }

    private PublishImageRequest Request(int version, string channel, int build)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_f.Inputs, $"rootfs-{channel}-{build}.tar.gz"), build);
        return new PublishImageRequest(channel, "mako", [new PartInput("ubuntu", file)]) { Version = version };
    }
}
