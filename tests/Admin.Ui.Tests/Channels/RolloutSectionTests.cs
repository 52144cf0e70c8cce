using Bunit;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class RolloutSectionTests : ChannelTestContext
{
    [Fact]
    public async Task APresetStartsARampInTwoClicksThenPauseResumeAndHaltWithAReason()
    {
        await ChannelAsync("stable", "flo", "grouper", "mako");
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            await PublishAsync("stable", device, 1);
        }

        var page = Open("stable");
        Assert.Contains("No rollout yet.", page.Markup, StringComparison.Ordinal);

        await ClickAsync(page, "10% now, 50% in 1 day, 100% in 3 days");
        await ClickAsync(page, "Start rollout");

        page.WaitForAssertion(() => Assert.StartsWith("Started a rollout of stable: steps 10@now,50@+1d,100@+3d on flo 1, grouper 1, mako 1", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(["done", "next", "waiting"], page.FindAll(".rollout-timeline li").Select(li => li.GetAttribute("data-status")));
        Assert.All(new[] { "flo", "grouper", "mako" }, d => Assert.Equal(10, Images("stable", d)[0]!["phased-percentage"]!.GetValue<int>()));
        page.WaitForAssertion(() => Assert.Contains("v1 · 10%", Text(page.Find("tr[data-device=mako]"))), Patience);
        Assert.Empty(page.FindAll("#rollout-steps"));

        await ClickAsync(page, "Pause");
        page.WaitForAssertion(() => Assert.Equal("paused", page.Find(".rollout-state").TextContent), Patience);
        Assert.Equal("paused", page.FindAll(".rollout-timeline li")[1].GetAttribute("data-status"));
        await ClickAsync(page, "Resume");
        page.WaitForAssertion(() => Assert.Equal("active", page.Find(".rollout-state").TextContent), Patience);

        await ClickAsync(page, "Halt");
        await page.Find("#halt-reason").InputAsync("boot loop on mako");
        await ClickAsync(page, "Halt rollout");

        page.WaitForAssertion(() => Assert.Equal("halted", page.Find(".rollout-state").TextContent), Patience);
        Assert.Contains("boot loop on mako", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["done", "halted", "halted"], page.FindAll(".rollout-timeline li").Select(li => li.GetAttribute("data-status")));
        Assert.All(new[] { "flo", "grouper", "mako" }, d => Assert.Equal(0, Images("stable", d)[0]!["phased-percentage"]!.GetValue<int>()));
        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.Single(page.FindAll("#rollout-steps"));
    }

    [Fact]
    public async Task ARampCoversOnlyTheTickedDevices()
    {
        await ChannelAsync("stable", "flo", "grouper", "mako");
        foreach (var device in new[] { "flo", "grouper", "mako" })
        {
            await PublishAsync("stable", device, 1);
        }

        var page = Open("stable");
        Assert.Equal("Devices to roll out (all 3)", Text(page.Find("section[aria-labelledby=rollout] legend")));

        await page.Find("section[aria-labelledby=rollout] input[type=checkbox][data-device=grouper]").ChangeAsync(false);
        Assert.Equal("Devices to roll out (2 of 3)", Text(page.Find("section[aria-labelledby=rollout] legend")));
        await ClickAsync(page, "50% now, 100% in 1 day");
        await ClickAsync(page, "Start rollout");

        page.WaitForAssertion(() => Assert.StartsWith("Started a rollout of stable: steps 50@now,100@+1d on flo 1, mako 1.", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(50, Images("stable", "flo")[0]!["phased-percentage"]!.GetValue<int>());
        Assert.Equal(50, Images("stable", "mako")[0]!["phased-percentage"]!.GetValue<int>());
        Assert.Null(Images("stable", "grouper")[0]!["phased-percentage"]);
        Assert.Contains("on flo 1, mako 1", Text(page.Find("section[aria-labelledby=rollout]")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadWindowIsRefusedWithItsReason()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        var page = Open("stable");

        await page.Find("#rollout-steps").ChangeAsync("10@now");
        await page.Find("#rollout-window").ChangeAsync("Mon-Fry 08-17");
        await ClickAsync(page, "Start rollout");

        page.WaitForAssertion(() => Assert.Contains("'Mon-Fry' is not a list or range of weekdays", page.Find(".notice.error").TextContent, StringComparison.Ordinal), Patience);
        Assert.Null(Images("stable", "mako")[0]!["phased-percentage"]);
    }

    [Fact]
    public async Task ViewersSeeTheTimelineButNoControls()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        Ok((await Get<Core.Rollouts.RolloutService>().StartAsync("stable", "10@now,100@+1d", null, null, Operator, None)).Result);
        SignInAs("viewer", Role.Viewer);

        var page = Open("stable");

        Assert.Equal(["done", "next"], page.FindAll(".rollout-timeline li").Select(li => li.GetAttribute("data-status")));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Pause" or "Halt" or "Start rollout");
    }
}
