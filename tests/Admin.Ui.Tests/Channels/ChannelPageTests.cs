using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Channels;
using SystemImage.Core.Channels;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class ChannelPageTests : ChannelTestContext
{
    [Fact]
    public async Task ShowsLoadingThenTheDevicesOfAChannelWhoseNameHoldsASlash()
    {
        await ChannelAsync("ubuntu-touch/stable", "mako");
        await PublishAsync("ubuntu-touch/stable", "mako", 1, percentage: 30);
        var gate = Gate<ChannelOverviewQueries>();

        var page = RenderWhileLoading<ChannelPage>(p => p.Add(x => x.ChannelSegment, "ubuntu-touch%2Fstable"));

        Assert.Equal("Loading channel…", page.Find("[role=status]").TextContent);
        gate.Open();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr[data-device]")), Patience);
        Assert.Equal("ubuntu-touch/stable", page.Find("h1").TextContent);
        var link = page.Find("tr[data-device=mako] a");
        Assert.Equal(("mako", "/admin/channels/ubuntu-touch%2Fstable/devices/mako"), (link.TextContent, link.GetAttribute("href")));
        Assert.Contains("v1 · 30%", Text(page.Find("tr[data-device=mako]")));
    }

    [Fact]
    public async Task SaysSoWhenTheChannelHasNoDevices()
    {
        await ChannelAsync("stable");

        var page = Open("stable");

        Assert.Equal("This channel has no devices yet.", page.Find("[data-testid=no-devices]").TextContent);
    }

    [Fact]
    public void SaysSoWhenTheChannelDoesNotExist()
    {
        var page = Open("nowhere");

        Assert.Equal("Channel 'nowhere' does not exist.", page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll("button"));
    }

    [Fact]
    public void ShowsAnErrorWhenTheChannelCannotBeRead()
    {
        Gate<ChannelOverviewQueries>().Fail(new InvalidOperationException("disk I/O error"));

        var page = Open("stable");

        page.WaitForAssertion(() => Assert.Equal("Could not load channel 'stable': disk I/O error", page.Find("[role=alert]").TextContent), Patience);
    }

    [Fact]
    public async Task HidesAndShowsTheChannel()
    {
        await ChannelAsync("stable");
        var page = Open("stable");

        await ClickAsync(page, "Hide channel");

        page.WaitForAssertion(() => Assert.Equal("Channel 'stable' is now hidden.", page.Find(".notice.ok").TextContent), Patience);
        Assert.True(PublishedChannels()["stable"]!["hidden"]!.GetValue<bool>());
        Assert.Contains("hidden", page.Find("p.badges").TextContent);

        await ClickAsync(page, "Show channel");
        page.WaitForAssertion(() => Assert.Equal("Channel 'stable' is now shown.", page.Find(".notice.ok").TextContent), Patience);
        Assert.False(PublishedChannels()["stable"]!.AsObject().ContainsKey("hidden"));
    }

    [Fact]
    public async Task RenamesTheChannelAndGoesToItsNewAddress()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        var page = Open("stable");

        await page.Find("#rename-to").InputAsync("ubuntu-touch/stable");
        await ClickAsync(page, "Rename");

        Assert.Equal("http://localhost/admin/channels/ubuntu-touch%2Fstable", Services.GetRequiredService<BunitNavigationManager>().Uri);
        Assert.Equal("ubuntu-touch/stable", (await Get<ChannelQueries>().FindOrNullAsync("stable", None))!.Redirect);
        Assert.Single(Images("ubuntu-touch/stable", "mako"));
        page.Render(p => p.Add(x => x.ChannelSegment, "ubuntu-touch%2Fstable"));
        page.WaitForAssertion(() => Assert.Equal(
            "Renamed channel 'stable' to 'ubuntu-touch/stable'; 'stable' redirects devices to it.", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal("ubuntu-touch/stable", page.Find("h1").TextContent);
    }

    [Fact]
    public async Task RenamesWithoutARedirectWhenTheBoxIsCleared()
    {
        await ChannelAsync("stable", "mako");
        var page = Open("stable");
        Assert.True(page.Find("#rename-redirect").HasAttribute("checked"));

        await page.Find("#rename-redirect").ChangeAsync(false);
        await page.Find("#rename-to").InputAsync("candidate");
        await ClickAsync(page, "Rename");

        Assert.Null(await Get<ChannelQueries>().FindOrNullAsync("stable", None));
        Assert.NotNull(await Get<ChannelQueries>().FindOrNullAsync("candidate", None));
    }

    [Fact]
    public async Task RefusesToRenameToAReservedName()
    {
        await ChannelAsync("stable");
        var page = Open("stable");

        await page.Find("#rename-to").InputAsync("admin");
        await ClickAsync(page, "Rename");

        page.WaitForAssertion(() => Assert.Equal(
            "Invalid channel name 'admin': 'admin' is reserved by the server and cannot start a channel name.", page.Find(".notice.error").TextContent), Patience);
        Assert.NotNull(await Get<ChannelQueries>().FindOrNullAsync("stable", None));
        Assert.Equal("http://localhost/", Services.GetRequiredService<BunitNavigationManager>().Uri);
    }

    [Fact]
    public async Task RemovesTheChannelOnlyOnceItsNameIsTyped()
    {
        await ChannelAsync("stable", "mako");
        var page = Open("stable");

        await ClickAsync(page, "Remove channel…");
        var confirm = page.Find(".dialog button.danger");
        Assert.True(confirm.HasAttribute("disabled"));
        await page.Find(".dialog input").InputAsync("stabl");
        Assert.True(page.Find(".dialog button.danger").HasAttribute("disabled"));
        Assert.NotNull(await Get<ChannelQueries>().FindOrNullAsync("stable", None));

        await page.Find(".dialog input").InputAsync("stable");
        await ClickAsync(page.Find(".dialog button.danger"));

        page.WaitForAssertion(() => Assert.Equal("Removed channel 'stable'.", page.Find(".notice.ok").TextContent), Patience);
        Assert.False(PublishedChannels().ContainsKey("stable"));
        Assert.Empty(page.FindAll(".dialog"));
        Assert.Contains(page.FindAll("a"), a => a.TextContent == "Back to the channels" && a.GetAttribute("href") == AdminRoutes.Channels);
    }

    [Fact]
    public async Task ShowsWhyAChannelCannotBeRemoved()
    {
        await ChannelAsync("stable");
        Ok(await Get<ChannelService>().CreateAliasAsync("daily", "stable", Operator, None));
        var page = Open("stable");

        await ClickAsync(page, "Remove channel…");
        await page.Find(".dialog input").InputAsync("stable");
        await ClickAsync(page.Find(".dialog button.danger"));

        page.WaitForAssertion(() => Assert.Equal(
            "Channel 'stable' is the target of 'daily'; remove or re-target those first.", page.Find(".notice.error").TextContent), Patience);
        Assert.True(PublishedChannels().ContainsKey("stable"));
    }

    [Fact]
    public async Task ReTargetsAnAliasAndExplainsWhatItIs()
    {
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        Ok(await Get<ChannelService>().CreateAliasAsync("daily", "devel", Operator, None));
        var page = Open("daily");
        Assert.Contains("Alias of devel: its devices and images mirror the target", page.Find(".notice.warn").TextContent);
        Assert.Empty(page.FindAll("#device-name"));

        await page.Find("#retarget-to").ChangeAsync("stable");
        await ClickAsync(page, "Re-target alias");

        page.WaitForAssertion(() => Assert.Equal("Alias 'daily' now points at 'stable'.", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal("stable", PublishedChannels()["daily"]!["alias"]!.GetValue<string>());
        page.WaitForAssertion(() => Assert.Contains("alias → stable", page.Find("p.badges").TextContent), Patience);
    }

    [Fact]
    public async Task ARedirectShowsItsTargetAndNoDevicesOrImporter()
    {
        await ChannelAsync("stable", "mako");
        Ok(await Get<ChannelService>().CreateRedirectAsync("old", "stable", Operator, None));

        var page = Open("old");

        Assert.Contains("Redirect to stable: devices asking for this channel use the target's indexes.", page.Find(".notice.warn").TextContent);
        Assert.Equal(AdminRoutes.Channel("stable"), page.Find(".notice.warn a").GetAttribute("href"));
        Assert.Empty(page.FindAll("#devices"));
        Assert.Empty(page.FindAll("#importer"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Hide", StringComparison.Ordinal));
    }

}
