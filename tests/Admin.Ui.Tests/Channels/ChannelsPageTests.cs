using Bunit;
using Microsoft.AspNetCore.Components;
using SystemImage.Admin.Ui.Channels;
using SystemImage.Core.Channels;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class ChannelsPageTests : ChannelTestContext
{
    [Fact]
    public void IsTheAdminHomeAndTheChannelsAddress()
    {
        var routes = typeof(ChannelsPage).GetCustomAttributes(typeof(RouteAttribute), false).Cast<RouteAttribute>().Select(r => r.Template);

        Assert.Equal([AdminRoutes.Home, AdminRoutes.Channels], routes.Order());
    }

    [Fact]
    public void ShowsLoadingUntilTheChannelsArriveThenTheEmptyState()
    {
        var gate = Gate<ChannelOverviewQueries>();

        var page = RenderWhileLoading<ChannelsPage>();

        Assert.Equal("Loading channels…", page.Find("[role=status]").TextContent);
        gate.Open();
        page.WaitForAssertion(() => Assert.Equal("There are no channels yet.", page.Find("[data-testid=no-channels]").TextContent), Patience);
    }

    [Fact]
    public void ShowsAnErrorWhenTheChannelsCannotBeRead()
    {
        var gate = Gate<ChannelOverviewQueries>();
        var page = RenderWhileLoading<ChannelsPage>();

        gate.Fail(new InvalidOperationException("database is locked"));

        page.WaitForAssertion(() => Assert.Equal("Could not load the channels: database is locked", page.Find("[role=alert]").TextContent), Patience);
    }

    [Fact]
    public async Task ListsEveryChannelWithItsKindDevicesLatestVersionPhasedPercentageAndImportState()
    {
        await ChannelAsync("stable", "flo", "mako");
        await PublishAsync("stable", "mako", 1);
        await PublishAsync("stable", "mako", 2, percentage: 40);
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig(paused: true));
        Ok(await Get<ChannelService>().CreateAliasAsync("daily", "stable", Operator, None));
        Ok(await Get<ChannelService>().CreateRedirectAsync("old", "stable", Operator, None));
        await ChannelAsync("proposed");
        await ConfigureAsync("proposed", AutoConfig());
        await Get<ImportRuns>().QueueAsync("proposed", "import-now", Operator, None);

        var page = Render<ChannelsPage>();

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("tbody tr").Count), Patience);
        Assert.Equal(["daily", "devel", "old", "proposed", "stable"], page.FindAll("tbody tr td:first-child a").Select(a => a.TextContent));
        Assert.Equal(AdminRoutes.Channel("stable"), page.Find("tr[data-channel=stable] a").GetAttribute("href"));
        Assert.Equal("manual", Row(page, "stable", 1));
        Assert.Equal("alias → stable", Row(page, "daily", 1));
        Assert.Equal("redirect → stable | hidden", Row(page, "old", 1));
        Assert.Equal("auto | import paused", Row(page, "devel", 1));
        Assert.Equal("auto | import queued", Row(page, "proposed", 1));
        Assert.Equal("2", Row(page, "stable", 2));
        Assert.Equal("flo no image yet | mako v2 · 40%", Row(page, "stable", 3));
        Assert.Equal("flo no image yet | mako v2 · 40%", Row(page, "daily", 3));
        Assert.Equal("devices use stable", Row(page, "old", 3));
    }

    [Fact]
    public async Task FiltersByNameKindOrState()
    {
        await ChannelAsync("stable");
        await ChannelAsync("ubuntu-touch/rc");
        Ok(await Get<ChannelService>().CreateAliasAsync("daily", "stable", Operator, None));
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr").Count), Patience);

        await page.Find("input[aria-label='Filter channels']").InputAsync("alias");
        Assert.Equal(["daily"], page.FindAll("tbody tr").Select(r => r.GetAttribute("data-channel")));

        await page.Find("input[aria-label='Filter channels']").InputAsync("TOUCH");
        Assert.Equal(["ubuntu-touch/rc"], page.FindAll("tbody tr").Select(r => r.GetAttribute("data-channel")));
        Assert.Equal("1 of 3 channels", page.Find(".toolbar [role=status]").TextContent);

        await page.Find("input[aria-label='Filter channels']").InputAsync("nothing-like-it");
        Assert.Empty(page.FindAll("tbody tr"));
        Assert.Contains("No channel matches “nothing-like-it”.", page.Markup);
    }

    [Fact]
    public async Task CreatesAChannelWithTheDevicesOfAnother()
    {
        await ChannelAsync("devel", "flo", "mako");
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")), Patience);

        await page.Find("#new-channel-name").ChangeAsync("ubuntu-touch/stable");
        await page.Find("#new-channel-copy").ChangeAsync("devel");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(
            "Created channel 'ubuntu-touch/stable' with 2 device(s) of 'devel'.", page.Find(".notice.ok").TextContent), Patience);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count), Patience);
        Assert.Equal(["flo", "mako"], PublishedChannels()["ubuntu-touch/stable"]!["devices"]!.AsObject().Select(d => d.Key));
        Assert.Equal("", page.Find("#new-channel-name").GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task CreatesAnAliasOnlyWithATargetAndShowsTheServersRefusals()
    {
        await ChannelAsync("stable");
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")), Patience);

        await page.Find("#new-channel-name").ChangeAsync("daily");
        await page.Find("#new-channel-kind").ChangeAsync("alias");
        await page.Find("form").SubmitAsync();
        Assert.Equal("Choose the channel the alias mirrors.", page.Find(".validation-message").TextContent);
        Assert.Null(await Get<ChannelQueries>().FindOrNullAsync("daily", None));

        await page.Find("#new-channel-target").ChangeAsync("stable");
        await page.Find("#new-channel-hidden").ChangeAsync(true);
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal("Created alias 'daily' of 'stable'. It is hidden.", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(("stable", true), (PublishedChannels()["daily"]!["alias"]!.GetValue<string>(), PublishedChannels()["daily"]!["hidden"]!.GetValue<bool>()));

        await page.Find("#new-channel-name").ChangeAsync("stable");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal("Channel 'stable' already exists.", page.Find(".notice.error[role=alert]").TextContent), Patience);
    }

    [Fact]
    public async Task RefusesANameWithoutOneOrAReservedName()
    {
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=no-channels]"), Patience);

        await page.Find("form").SubmitAsync();
        Assert.Equal("Give the channel a name.", page.Find(".validation-message").TextContent);

        await page.Find("#new-channel-name").ChangeAsync("api/stable");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("'api' is reserved by the server", page.Find(".notice.error").TextContent), Patience);
        Assert.Empty(await Get<ChannelQueries>().ListAsync(None));
    }

    [Theory]
    [InlineData("channels.json.asc", "'channels.json.asc' is reserved by the server")]
    [InlineData("stable/index.json", "'index.json' ends in '.json', which is kept for the server's own files")]
    public async Task RefusesANameThatCollidesWithTheFilesOfTheTreeWithTheServersMessage(string name, string message)
    {
        var page = Render<ChannelsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=no-channels]"), Patience);

        await page.Find("#new-channel-name").ChangeAsync(name);
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains(message, page.Find(".notice.error").TextContent), Patience);
        Assert.Empty(await Get<ChannelQueries>().ListAsync(None));
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Publisher)]
    public async Task BelowAdminThereIsNoWayToCreateAChannel(Role role)
    {
        await ChannelAsync("stable", "mako");
        SignInAs("reader", role);

        var page = Render<ChannelsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")), Patience);
        Assert.Empty(page.FindAll("form"));
        Assert.Empty(page.FindAll("button"));
    }

    private static string Row(IRenderedComponent<ChannelsPage> page, string channel, int column) =>
        string.Join(" | ", page.FindAll($"tr[data-channel='{channel}'] td:nth-child({column + 1}) .badge, tr[data-channel='{channel}'] td:nth-child({column + 1}) li").Select(Text).DefaultIfEmpty(
            Text(page.Find($"tr[data-channel='{channel}'] td:nth-child({column + 1})"))));
}
