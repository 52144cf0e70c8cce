using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ChannelPromotionTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private ImageFixture _f = null!;

    private ChannelPromotion Promotion => _f.Data.Get<ChannelPromotion>();

    public async Task InitializeAsync()
    {
        _f = await ImageFixture.CreateAsync(("devel", ["flo", "mako"]), ("stable", ["flo", "grouper", "mako"]));
        Assert.True((await _f.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        Assert.True((await _f.PublishBuildAsync("devel", "flo", 1)).Succeeded);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task CopiesTheLatestFullImageToEveryDeviceWhereItDiffersInOneAuditedChange()
    {
        var (preview, planned) = await Promotion.PreviewAsync("devel", "stable", None);
        Assert.StartsWith("Would promote devel to stable: 2 of 3 device(s)", preview.Message);
        Assert.Empty(_f.Images("stable", "mako"));

        var (result, devices) = await Promotion.PromoteAsync("devel", "stable", 20, "rc1", ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(planned.Select(d => d.NewVersion), devices.Select(d => d.NewVersion));
        Assert.Equal([1, null, 1], devices.Select(d => d.NewVersion));
        Assert.Contains("skipped: devel has no full image of grouper", devices[1].Outcome);
        var mako = _f.Images("stable", "mako").Single()!;
        Assert.Equal(20, mako["phased-percentage"]!.GetValue<int>());
        Assert.EndsWith("tag=rc1,version=1", mako["version_detail"]!.GetValue<string>());
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        Assert.Single(await db.AuditEntries.Where(e => e.Action == "promote-channel").ToListAsync());

        var (again, unchanged) = await Promotion.PromoteAsync("devel", "stable", null, null, ImageFixture.Tester, None);
        Assert.StartsWith("Promoted devel to stable: 0 of 3", again.Message);
        Assert.All(unchanged, d => Assert.Null(d.NewVersion));

        Assert.True((await _f.PublishBuildAsync("devel", "mako", 2)).Succeeded);
        var (_, next) = await Promotion.PromoteAsync("devel", "stable", null, null, ImageFixture.Tester, None);
        Assert.Equal([null, null, 2], next.Select(d => d.NewVersion));
    }

    [Fact]
    public async Task RefusesUnknownChannelsAliasesAndItself()
    {
        Assert.True((await _f.Data.Get<ChannelService>().CreateAliasAsync("daily", "devel", ImageFixture.Tester, None)).Succeeded);

        Assert.Equal(OperationStatus.NotFound, (await Promotion.PromoteAsync("nowhere", "stable", null, null, ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Conflict, (await Promotion.PromoteAsync("stable", "daily", null, null, ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Promotion.PromoteAsync("stable", "stable", null, null, ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Promotion.PromoteAsync("devel", "stable", 120, null, ImageFixture.Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Promotion.PromoteAsync("devel", "stable", null, "a,b", ImageFixture.Tester, None)).Result.Status);
        Assert.Empty(_f.Images("stable", "mako"));
    }
}
