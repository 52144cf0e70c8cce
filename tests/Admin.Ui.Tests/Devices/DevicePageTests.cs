using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Devices;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Devices;

/// <summary>The device page's states: loading, empty, the history and table, unknown channel or device, and who sees actions.</summary>
public sealed class DevicePageTests : DevicePageContext
{
    [Fact]
    public async Task ShowsLoadingUntilTheDeviceIsRead()
    {
        await ChannelAsync("stable", "mako");
        var gate = new TaskCompletionSource();
        Services.AddSingleton(new ChannelQueries(new GatedFactory(Get<IDbContextFactory<SystemImageDbContext>>(), gate.Task)));

        var page = RenderPageWhileLoading("stable", "mako");

        Assert.Equal("Loading images…", page.Find("[aria-busy=true]").TextContent);
        gate.SetResult();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-images]")));
    }

    [Fact]
    public async Task AnEmptyDeviceSaysSoAndOffersOnlyACopy()
    {
        await ChannelAsync("stable", "mako");
        await ChannelAsync("devel", "mako");

        var page = RenderPage("stable", "mako");

        Assert.Equal("mako has no images yet. Copy one from another channel below, or publish one through the API.", page.Find("[data-testid=no-images]").TextContent);
        Assert.Empty(page.FindAll("table"));
        Assert.Equal(["Copy from another channel"], page.FindAll(".action-grid h3").Select(h => h.TextContent));
        Assert.Equal(["", "devel"], page.FindAll("#copy-source option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public async Task ListsTheHistoryNewestFirstAndEveryImageWithItsDetails()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        await PublishAsync("stable", "mako", 2);
        await Get<ImageCopyService>().TagAsync("stable", "mako", 2, "OTA-1", Setup, CancellationToken.None);
        await Get<ImageEditor>().SetPhasedPercentageAsync("stable", "mako", 3, 40, Setup, CancellationToken.None);

        var page = RenderPage("stable", "mako");

        Assert.Equal(["version-3", "version-2", "version-1"], page.FindAll(".timeline > li").Select(li => li.GetAttribute("data-testid")));
        var latest = page.Find("[data-testid=version-3]").TextContent;
        Assert.Contains("latest", latest);
        Assert.Contains("tag OTA-1", latest);
        Assert.Contains("phased 40%", latest);
        Assert.Contains("deltas from 2", latest);
        Assert.Equal(["image-full-3", "image-delta-2-3", "image-full-2", "image-delta-1-2", "image-full-1"], page.FindAll("tbody tr").Select(r => r.GetAttribute("data-testid")));

        var row = page.Find("[data-testid=image-full-3]");
        var chips = row.QuerySelectorAll(".chip").Select(c => c.TextContent).ToList();
        Assert.Equal(3, chips.Count);
        Assert.Matches("^ubuntu=[0-9a-f]{12}$", chips[0]);
        Assert.Equal(["tag=OTA-1", "version=3"], chips[1..]);
        Assert.Equal("OTA-1", row.Children[4].TextContent);
        Assert.Equal("40%", row.QuerySelector("td.phased")!.TextContent);
        var published = Full("stable", "mako", 3)["files"]!.AsArray().Select(f => (Path: f!["path"]!.GetValue<string>(), Checksum: f["checksum"]!.GetValue<string>())).ToList();
        var codes = row.QuerySelectorAll(".files code").ToList();
        Assert.Equal(published.Select(f => f.Checksum), codes.Select(c => c.GetAttribute("data-checksum")));
        Assert.Equal(published[0].Checksum[..12] + "…", codes[0].TextContent);
        Assert.Equal("sha256 " + published[0].Checksum, codes[0].GetAttribute("title"));
        Assert.Equal(published.Select(f => f.Path), row.QuerySelectorAll(".files a").Select(a => a.GetAttribute("href")));
        var size = Full("stable", "mako", 3)["files"]![0]!["size"]!.GetValue<long>();
        Assert.Equal($"{size} bytes", row.QuerySelector(".files span[title]")!.GetAttribute("title"));
        Assert.Equal(DeviceFormat.Size(size), row.QuerySelector(".files span[title]")!.TextContent);
    }

    [Theory]
    [InlineData("nope", "mako", "Channel 'nope' does not exist.")]
    [InlineData("stable", "flo", "Channel 'stable' has no device 'flo'.")]
    [InlineData("old", "mako", "Channel 'old' is a redirect to 'stable'; it has no devices of its own.")]
    public async Task AnUnknownChannelOrDeviceIsAnError(string channel, string device, string message)
    {
        await ChannelAsync("stable", "mako");
        await Get<ChannelService>().CreateRedirectAsync("old", "stable", Setup, CancellationToken.None);

        var page = RenderPage(channel, device);

        Assert.Equal(message, page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task AChannelNameWithASlashTravelsEncodedInOneSegment()
    {
        await ChannelAsync("ubuntu-touch/stable", "mako");
        await PublishAsync("ubuntu-touch/stable", "mako", 1);

        var page = Render<DevicePage>(p => p.Add(x => x.ChannelSegment, "ubuntu-touch%2Fstable").Add(x => x.DeviceSegment, "mako"));

        Assert.Equal("in ubuntu-touch/stable", page.Find("h1 .muted").TextContent);
        Assert.Single(page.FindAll("tbody tr"));
        Assert.Equal("/admin/channels/ubuntu-touch%2Fstable", page.FindAll(".crumbs a")[1].GetAttribute("href"));
    }

    [Fact]
    public async Task AViewerSeesTheImagesButNoMutatingControl()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        await PublishAsync("stable", "mako", 2);
        SignInAs("watcher", Role.Viewer);

        var page = RenderPage("stable", "mako");

        Assert.Equal(3, page.FindAll("tbody tr").Count);
        Assert.Empty(page.FindAll("input, select, textarea, .action-grid, button.remove"));
        Assert.All(page.FindAll("button"), b => Assert.Equal("Copy", b.TextContent));
    }

    [Fact]
    public async Task AnAliasShowsItsMirroredImagesWithoutActions()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        await Get<ChannelService>().CreateAliasAsync("current", "stable", Setup, CancellationToken.None);

        var page = RenderPage("current", "mako");

        Assert.Contains("alias of stable", page.Find(".summary-line").TextContent);
        Assert.Equal("/admin/channels/stable/devices/mako", page.Find(".summary-line a").GetAttribute("href"));
        Assert.Single(page.FindAll("tbody tr"));
        Assert.Empty(page.FindAll(".action-grid, button.remove"));
    }

    /// <summary>Holds every database read until <paramref name="gate"/> completes, so the page's loading state can be seen.</summary>
    private sealed class GatedFactory(IDbContextFactory<SystemImageDbContext> inner, Task gate) : IDbContextFactory<SystemImageDbContext>
    {
        public SystemImageDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<SystemImageDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await gate;
            return await inner.CreateDbContextAsync(cancellationToken);
        }
    }
}
