using Bunit;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class PromoteChannelTests : ChannelTestContext
{
    [Fact]
    public async Task PreviewsPerDeviceThenPromotesIntoThePublishedIndex()
    {
        await ChannelAsync("devel", "flo", "mako");
        await ChannelAsync("stable", "flo", "grouper", "mako");
        await PublishAsync("devel", "mako", 1);
        await PublishAsync("devel", "mako", 2);
        var page = Open("stable");

        await page.Find("#promote-from").ChangeAsync("devel");
        await ClickAsync(page, "Preview");

        page.WaitForAssertion(() => Assert.StartsWith("Would promote devel to stable: 1 of 3 device(s) get a new image", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(
            ["flo skipped: devel has no full image of flo", "grouper skipped: devel has no full image of grouper", "mako 2 1 100% version 2 of devel as version 1"],
            page.FindAll("table.promotion tbody tr").Select(Text));
        Assert.StartsWith("Each new image is offered to every device (phased percentage 100%)", page.Find("[data-testid=promote-phased-note]").TextContent);
        Assert.Empty(Images("stable", "mako"));

        await page.Find("#promote-phased").InputAsync(25);
        Assert.Equal("25%", page.Find("table.promotion tr[data-device=mako] td.phased").TextContent);
        Assert.Equal("", page.Find("table.promotion tr[data-device=flo] td.phased").TextContent);
        Assert.Equal("Each new image is offered to 25% of devices (phased percentage 25%).", page.Find("[data-testid=promote-phased-note]").TextContent);
        await page.Find("#promote-tag").ChangeAsync("rc1");
        await ClickAsync(page, "Promote 1 device(s)");

        page.WaitForAssertion(() => Assert.StartsWith("Promoted devel to stable: 1 of 3 device(s) got a new image", page.Find(".notice.ok").TextContent), Patience);
        var image = Images("stable", "mako").Single()!;
        Assert.Equal((1, 25), (image["version"]!.GetValue<int>(), image["phased-percentage"]!.GetValue<int>()));
        Assert.EndsWith("tag=rc1,version=1", image["version_detail"]!.GetValue<string>());
        page.WaitForAssertion(() => Assert.Contains("v1 · 25%", Text(page.Find("tr[data-device=mako]"))), Patience);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.StartsWith("Promote ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ShowsWhyAPromotionIsRefusedAndChangesNothing()
    {
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        await PublishAsync("devel", "mako", 1);
        var page = Open("stable");
        await page.Find("#promote-from").ChangeAsync("devel");
        await ClickAsync(page, "Preview");

        await page.Find("#promote-tag").ChangeAsync("a,b");
        await ClickAsync(page, "Promote 1 device(s)");

        page.WaitForAssertion(() => Assert.Contains("a,b", page.Find(".notice.error").TextContent), Patience);
        Assert.Empty(Images("stable", "mako"));
        Assert.Single(page.FindAll("button"), b => b.TextContent.Trim() == "Promote 1 device(s)");
    }

    [Fact]
    public async Task ChoosingAnotherSourceClearsThePreview()
    {
        await ChannelAsync("devel", "mako");
        await ChannelAsync("rc", "mako");
        await ChannelAsync("stable", "mako");
        await PublishAsync("devel", "mako", 1);
        var page = Open("stable");
        await page.Find("#promote-from").ChangeAsync("devel");
        await ClickAsync(page, "Preview");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("table.promotion tbody tr")), Patience);

        await page.Find("#promote-from").ChangeAsync("rc");

        Assert.Empty(page.FindAll("table.promotion"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.StartsWith("Promote ", StringComparison.Ordinal));
    }
}
