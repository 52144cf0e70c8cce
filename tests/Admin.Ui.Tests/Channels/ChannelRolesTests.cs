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
    public void APublisherPromotesAndImportsButDoesNotChangeTheChannel()
    {
        SignInAs("release", Role.Publisher);

        var page = Open("stable");

        var buttons = page.FindAll("button").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(["Preview", "Import now"], buttons);
        Assert.True(page.Find("fieldset.config").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnActionStartedAboveTheUsersRoleIsRefusedByItsOwnCheck()
    {
        var page = Open("devel");
        page.Find("#device-name").Input("flo");
        SignInAs("reader", Role.Viewer);

        await ClickAsync(Button(page, "Add device"));

        page.WaitForAssertion(() => Assert.Equal("Your role cannot add devices; it takes the admin role.", page.Find(".notice.error").TextContent), Patience);
        Assert.Single((await Get<ChannelQueries>().FindOrNullAsync("devel", None))!.Devices);
    }
}
