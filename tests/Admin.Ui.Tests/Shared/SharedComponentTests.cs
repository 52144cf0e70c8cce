using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Layout;
using SystemImage.Admin.Ui.Shared;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Shared;

public sealed class SharedComponentTests : UiTestContext
{
    [Fact]
    public void TheNavigationOffersTokensToAdminsOnly()
    {
        var admin = Render<NavMenu>(p => p.Add(m => m.Role, Role.Admin));
        var publisher = Render<NavMenu>(p => p.Add(m => m.Role, Role.Publisher));

        Assert.Contains("Tokens", admin.Find("nav").TextContent);
        Assert.DoesNotContain("Tokens", publisher.Find("nav").TextContent);
        Assert.Equal(["Channels", "Releases", "Jobs", "Audit", "Keys", "API"], publisher.FindAll("nav a").Select(a => a.TextContent));
    }

    [Theory]
    [InlineData("/admin", true)]
    [InlineData("/admin/channels", true)]
    [InlineData("/admin/channels/ubuntu-touch%2Fstable/devices/mako", true)]
    [InlineData("/admin/runs", false)]
    [InlineData("/admin/audit?channel=stable", false)]
    public void TheChannelsLinkIsActiveOnTheOverviewAndUnderTheChannels(string address, bool active)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);

        var nav = Render<NavMenu>(p => p.Add(m => m.Role, Role.Viewer));

        Assert.Equal(active, nav.Find("nav a[href='/admin/channels']").ClassList.Contains("active"));
        Assert.Equal(address.StartsWith("/admin/runs", StringComparison.Ordinal), nav.Find("nav a[href='/admin/runs']").ClassList.Contains("active"));
    }

    [Theory]
    [InlineData(Role.Viewer, false)]
    [InlineData(Role.Publisher, true)]
    [InlineData(Role.Admin, true)]
    public void RoleGateShowsItsContentFromItsRoleUp(Role role, bool shown)
    {
        SignInAs("someone", role);

        var gate = Render<RoleGate>(p => p.Add(g => g.Min, Role.Publisher).AddChildContent("<button>Publish</button>"));

        Assert.Equal(shown ? 1 : 0, gate.FindAll("button").Count);
    }

    [Fact]
    public async Task ConfirmDialogWaitsForTheTypedNameBeforeConfirming()
    {
        var confirmed = 0;
        var dialog = Render<ConfirmDialog>(p => p
            .Add(d => d.Open, true)
            .Add(d => d.Title, "Remove channel stable?")
            .Add(d => d.ConfirmText, "stable")
            .Add(d => d.OnConfirm, () => confirmed++)
            .Add(d => d.OnCancel, () => { }));

        var confirm = dialog.Find("button.danger");
        Assert.True(confirm.HasAttribute("disabled"));
        await dialog.Find("input").InputAsync("stabl");
        Assert.True(dialog.Find("button.danger").HasAttribute("disabled"));
        await dialog.Find("input").InputAsync("stable");
        await dialog.Find("button.danger").ClickAsync();

        Assert.Equal(1, confirmed);
        Assert.Equal("dialog", dialog.Find(".dialog").GetAttribute("role"));
    }

    [Fact]
    public async Task ActionButtonIsDisabledWhileItsOperationRuns()
    {
        var release = new TaskCompletionSource();
        var button = Render<ActionButton>(p => p
            .Add(b => b.OnRun, () => release.Task)
            .Add(b => b.BusyLabel, "Importing…")
            .AddChildContent("Import now"));

        var click = button.Find("button").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        button.WaitForAssertion(() => Assert.Contains("Importing…", button.Find("button").TextContent));
        Assert.True(button.Find("button").HasAttribute("disabled"));

        release.SetResult();
        await click.WaitAsync(TimeSpan.FromSeconds(5));
        button.WaitForAssertion(() => Assert.Equal("Import now", button.Find("button").TextContent.Trim()));
        Assert.False(button.Find("button").HasAttribute("disabled"));
    }

    [Fact]
    public void NoticeShowsTheServersMessageAsAnAlertOnFailure()
    {
        var failed = Render<Notice>(p => p.Add(n => n.Result, OperationResult.Conflict("Channel 'stable' already exists.")));
        var ok = Render<Notice>(p => p.Add(n => n.Result, OperationResult.Ok("Created channel 'stable'.")));

        Assert.Equal(("alert", "Channel 'stable' already exists."), (failed.Find("p").GetAttribute("role"), failed.Find("p").TextContent));
        Assert.Equal("status", ok.Find("p").GetAttribute("role"));
        Assert.Empty(Render<Notice>().Markup.Trim());
    }
}
