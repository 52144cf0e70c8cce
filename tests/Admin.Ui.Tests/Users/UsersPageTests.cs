using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Users;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Users;

public sealed class UsersPageTests : UiTestContext
{
    private const string Password = "correct horse battery staple";
    private static readonly CancellationToken None = CancellationToken.None;

    private UserService Users => Get<UserService>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Ok(await Users.AddAsync("root", Role.Admin, Password, Setup, None));
    }

    [Fact]
    public async Task ListsEveryAccountWithItsRoleAndState()
    {
        Ok(await Users.AddAsync("alice", Role.Publisher, Password, Setup, None));
        Ok(await Users.AddAsync("bob", Role.Viewer, Password, Setup, None, mustChangePassword: true));
        Ok(await Users.AddAsync("carol", Role.Viewer, Password, Setup, None));
        Ok(await Users.SetDisabledAsync("carol", true, Setup, None));

        var page = Render<UsersPage>();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("tbody tr").Count));
        Assert.Equal(["alice", "bob", "carol", "root"], page.FindAll("tbody tr td:first-child").Select(c => c.TextContent));
        Assert.Equal(["active", "must change password", "disabled", "active"], page.FindAll("[data-testid=user-state]").Select(c => c.TextContent));
        Assert.Equal("Publisher", page.Find("[data-testid=user-alice] select option[selected]").GetAttribute("value"));
        Assert.Single(page.FindAll("[data-testid=user-carol] button:contains('Enable')"));
        Assert.Empty(page.FindAll("[data-testid=user-carol] button:contains('Disable')"));
    }

    [Fact]
    public async Task AnAddedUserGetsAOneTimePasswordShownOnce()
    {
        var page = Render<UsersPage>();

        await page.Find("#user-name").ChangeAsync("dave");
        await page.Find("#user-role").ChangeAsync(nameof(Role.Publisher));
        await page.Find("form").SubmitAsync();

        var password = page.WaitForElement("[data-testid=password]").GetAttribute("value")!;
        Assert.Equal("Added user 'dave' (publisher).", page.Find("p.notice.ok").TextContent);
        Assert.Equal("must change password", page.Find("[data-testid=user-dave] [data-testid=user-state]").TextContent);
        var session = (await Get<UserSessions>().SignInAsync("dave", password, "127.0.0.1", None)).Session;
        Assert.True(session!.User.MustChangePassword);
        await page.Find("button:contains('Done')").ClickAsync();
        Assert.DoesNotContain(password, page.Markup);
    }

    [Fact]
    public async Task ARoleIsChangedInTheTable()
    {
        Ok(await Users.AddAsync("alice", Role.Publisher, Password, Setup, None));
        var page = Render<UsersPage>();

        await page.WaitForElement("[data-testid=user-alice] select").ChangeAsync(nameof(Role.Admin));

        page.WaitForAssertion(() => Assert.Equal("User 'alice' is now admin; their sessions have ended.", page.Find("p.notice.ok").TextContent));
        Assert.Equal("admin", (await Users.GetOrNullAsync("alice", None))!.Role);
        Assert.Equal(("tester", "ui"), await LastAuditActorAsync("set-user-role"));
    }

    [Fact]
    public async Task DisablingAndSettingAPasswordAskFirst()
    {
        Ok(await Users.AddAsync("alice", Role.Publisher, Password, Setup, None));
        var page = Render<UsersPage>();

        await page.WaitForElement("button[aria-label='Disable alice']").ClickAsync();
        Assert.Equal("Disable 'alice'?", page.Find("[role=dialog] h2").TextContent);
        await page.Find("[role=dialog] button:contains('Cancel')").ClickAsync();
        Assert.False((await Users.GetOrNullAsync("alice", None))!.Disabled);
        await page.Find("button[aria-label='Disable alice']").ClickAsync();
        await page.Find("[role=dialog] button.danger").ClickAsync();
        page.WaitForAssertion(() => Assert.Equal("disabled", page.Find("[data-testid=user-alice] [data-testid=user-state]").TextContent));

        await page.Find("button[aria-label='Set a new password for alice']").ClickAsync();
        await page.Find("[role=dialog] button.danger").ClickAsync();

        var password = page.WaitForElement("[data-testid=password]").GetAttribute("value")!;
        Ok(await Users.SetDisabledAsync("alice", false, Setup, None));
        Assert.True((await Get<UserSessions>().SignInAsync("alice", password, "127.0.0.1", None)).Session!.User.MustChangePassword);
    }

    [Fact]
    public async Task RemovingTheLastAdminIsRefusedWithTheReason()
    {
        var page = Render<UsersPage>();

        await page.WaitForElement("button[aria-label='Remove root']").ClickAsync();
        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal(
            "User 'root' is the last enabled admin and cannot be removed; make another user admin first.", page.Find("p.notice.error").TextContent));
        Assert.NotNull(await Users.GetOrNullAsync("root", None));
    }

    [Fact]
    public async Task AnActionIsRefusedOnceTheRoleNoLongerAllowsIt()
    {
        Ok(await Users.AddAsync("alice", Role.Publisher, Password, Setup, None));
        var page = Render<UsersPage>();
        await page.WaitForElement("button[aria-label='Remove alice']").ClickAsync();
        SignInAs("tester", Role.Publisher);

        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("Your role cannot manage users; it takes the admin role.", page.Find("p.notice.error").TextContent));
        Assert.NotNull(await Users.GetOrNullAsync("alice", None));
    }

    [Fact]
    public void APublisherCannotOpenTheUsersPage()
    {
        SignInAs("paula", Role.Publisher);
        Auth.SetPolicies(Policies.Viewer, Policies.Publisher);
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo(AdminRoutes.Users);

        var app = Render<Routes>();

        app.WaitForAssertion(() => Assert.Equal("Your role does not allow this page.", app.Find("[role=alert]").TextContent));
        var page = Render<UsersPage>();
        Assert.Equal("Could not load the users: only admins may manage users.", page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll("table"));
    }

    private async Task<(string, string)> LastAuditActorAsync(string action)
    {
        await using var db = await Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync(e => e.Action == action);
        return (entry.Actor, entry.Surface);
    }
}
