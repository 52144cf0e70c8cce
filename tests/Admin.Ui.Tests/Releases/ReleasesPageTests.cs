using Bunit;
using SystemImage.Admin.Ui.Releases;
using SystemImage.Core.Adoption;
using SystemImage.Core.Images;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Releases;

/// <summary>The releases page: each device's builds grouped by their pool files, with the channels they reached.</summary>
public sealed class ReleasesPageTests : UiTestContext
{
    [Fact]
    public void WithoutImagesThePageSaysSo()
    {
        var page = Render<ReleasesPage>();

        page.WaitForElement("[data-testid=no-releases]", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ABuildPromotedFromDevelToRcIsOneBuildInBothChannelsAndTheNewerOneIsListedFirst()
    {
        await ChannelAsync("devel", "mako", "flo");
        await ChannelAsync("rc", "mako", "flo");
        await PublishAsync("devel", "mako", 1);
        Ok(await Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "rc", "mako") { PhasedPercentage = 50 }, Setup, CancellationToken.None));
        await PublishAsync("devel", "mako", 2);
        await PublishAsync("devel", "flo", 1);
        var rcFull = Images("rc", "mako")[0]!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).Last();
        Get<DownloadCounter>().Count(rcFull);
        await Get<DownloadFlusher>().FlushAsync(CancellationToken.None);

        var page = Render<ReleasesPage>();

        page.WaitForElement("[data-testid=release-device]", TimeSpan.FromSeconds(30));
        Assert.Equal(["flo", "mako"], page.FindAll("[data-testid=release-device] h2").Select(h => h.TextContent));
        var mako = page.FindAll("[data-testid=release-device]")[1];
        var paths = mako.QuerySelectorAll(".release-path").Select(p => p.TextContent).ToList();
        Assert.Equal(["devel v2", "devel v1 → rc v1"], paths);
        var rc = mako.QuerySelectorAll("[data-testid=release-row]").Single(r => r.QuerySelector("a")!.TextContent == "rc");
        var cells = rc.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["rc", "1"], cells[..2]);
        var devel = mako.QuerySelectorAll("[data-testid=release-row]").Where(r => r.QuerySelector("a")!.TextContent == "devel").ToList();
        Assert.Equal(["2", "1 (superseded)"], devel.Select(r => r.QuerySelectorAll("td")[1].TextContent.Trim()));
        Assert.Equal("50 %", cells[4]);
        Assert.Equal("1", cells[5]);
        Assert.EndsWith("/admin/channels/rc/devices/mako", rc.QuerySelector("a")!.GetAttribute("href"));
    }
}
