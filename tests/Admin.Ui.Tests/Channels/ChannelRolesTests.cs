using Bunit;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

/// <summary>Viewers read everything and change nothing; publishers promote and import; admins change channels, devices and configurations.</summary>
public sealed class ChannelRolesTests : ChannelTestContext
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        await ConfigureAsync("stable", AutoConfig());
        await PublishAsync("stable", "mako", 1);
    }

    [Fact]
    public void AViewerSeesTheWholeChannelButNoMutatingControl()
    {
        SignInAs("reader", Role.Viewer);

        var page = Open("stable");

        Assert.Single(page.FindAll("tr[data-device=mako]"));
        Assert.Equal(["ubuntu", "version"], page.FindAll("li.file").Select(f => f.GetAttribute("data-file")));
        Assert.Empty(page.FindAll("button"));
        Assert.True(page.Find("fieldset.config").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("#rename-to, #device-name, #promote-from"));
        Assert.Contains("Imports are active.", page.Find("[data-testid=import-state]").TextContent);
    }

    [Fact]
    public void APublisherPromotesPhasesRollsOutAndImportsButDoesNotChangeTheChannel()
    {
        SignInAs("release", Role.Publisher);

        var page = Open("stable");

        var buttons = page.FindAll("button").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(
            ["Preview", "Preview phasing", "Preview revert", "10% now, 50% in 1 day, 100% in 3 days", "1% now, 10% in 1 day, 50% in 3 days, 100% in 7 days", "50% now, 100% in 1 day", "Start rollout", "Import now"],
            buttons);
        Assert.True(page.Find("fieldset.config").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnActionStartedAboveTheUsersRoleIsRefusedByItsOwnCheck()
    {
        var page = Open("devel");
        await page.Find("#device-name").InputAsync("flo");
        SignInAs("reader", Role.Viewer);

        await ClickAsync(page, "Add device");

        page.WaitForAssertion(() => Assert.Equal("Your role cannot add devices; it takes the admin role.", page.Find(".notice.error").TextContent), Patience);
        Assert.Single((await Get<ChannelQueries>().FindOrNullAsync("devel", None))!.Devices);
    }
}
