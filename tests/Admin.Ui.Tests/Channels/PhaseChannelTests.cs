using Bunit;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class PhaseChannelTests : ChannelTestContext
{
    [Fact]
    public async Task PreviewsEachDeviceThenPhasesTheTickedOnesIntoThePublishedIndexes()
    {
        await ChannelAsync("stable", "flo", "grouper", "mako");
        await PublishAsync("stable", "flo", 1);
        await PublishAsync("stable", "grouper", 1);
        await PublishAsync("stable", "mako", 1, percentage: 50);
        var page = Open("stable");

        await page.Find("input[type=checkbox][data-device=grouper]").ChangeAsync(false);
        Assert.Equal("Devices to phase (2 of 3)", Text(page.Find("section[aria-labelledby=phase-channel] legend")));
        await page.Find("#phase-channel-percentage").ChangeAsync(10);
        await ClickAsync(page, "Preview phasing");

        page.WaitForAssertion(() => Assert.StartsWith("Would phase 2 of 2 device(s) of stable at 10%", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(["flo 1 100 10 version 1: 100% → 10%", "mako 1 50 10 version 1: 50% → 10%"], page.FindAll("table.phasing tbody tr").Select(Text));
        Assert.Null(Images("stable", "flo")[0]!["phased-percentage"]);

        await ClickAsync(page, "Phase 2 device(s) at 10%");

        page.WaitForAssertion(() => Assert.StartsWith("Phased 2 of 2 device(s) of stable at 10%", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(10, Images("stable", "flo")[0]!["phased-percentage"]!.GetValue<int>());
        Assert.Equal(10, Images("stable", "mako")[0]!["phased-percentage"]!.GetValue<int>());
        Assert.Null(Images("stable", "grouper")[0]!["phased-percentage"]);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.StartsWith("Phase 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ZeroPercentWarnsThatTheBuildIsPulled()
    {
        await ChannelAsync("stable", "flo", "grouper", "mako");
        await PublishAsync("stable", "mako", 1);
        var page = Open("stable");

        await page.Find("#phase-channel-percentage").ChangeAsync(0);
        await ClickAsync(page, "Preview phasing");

        page.WaitForAssertion(() => Assert.Contains("no device will be offered it", page.Markup, StringComparison.Ordinal), Patience);
        Assert.Contains("skipped: no image", Text(page.Find("table.phasing tr[data-device=flo]")));
    }

    [Fact]
    public async Task ViewersDoNotSeeTheForm()
    {
        await ChannelAsync("stable", "mako");
        SignInAs("viewer", Role.Viewer);

        var page = Open("stable");

        Assert.Empty(page.FindAll("#phase-channel-percentage"));
    }
}
