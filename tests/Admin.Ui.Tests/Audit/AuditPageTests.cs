using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Audit;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Audit;

public sealed class AuditPageTests : UiTestContext
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Alice = new("alice", "api");
    private static readonly Actor Bob = new("bob", "ui");

    [Fact]
    public void ShowsLoadingUntilTheEntriesArrive()
    {
        var held = new HeldDbContextFactory(Get<IDbContextFactory<SystemImageDbContext>>());
        Services.AddSingleton(new AuditQueries(held));

        var page = RenderWhileLoading<AuditPage>();

        Assert.Equal("Loading the audit log…", page.Find("[data-testid=loading]").TextContent);
        held.Release();
        page.WaitForAssertion(() => Assert.Equal("No audit entries yet.", page.Find("[data-testid=audit-empty]").TextContent));
    }

    [Fact]
    public async Task ShowsAnErrorWhenTheLogCannotBeRead()
    {
        await Breakage.DropTableAsync(Data, "AuditEntries");

        var page = Render<AuditPage>();

        Assert.Contains($"Could not load the audit log: {Breakage.MissingTable("AuditEntries")}", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ListsEntriesNewestFirstWithActorSurfaceActionTargetAndChange()
    {
        await Get<ChannelService>().CreateAsync("stable", false, Alice, None);
        await Get<TokenService>().CreateAsync("ci", Role.Viewer, null, Bob, None);

        var page = Render<AuditPage>();

        var rows = page.FindAll("[data-testid=audit-entry]").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["bob", "ui", "create-token", "ci", "—"], rows[0].Skip(1).Take(5));
        Assert.Equal(["alice", "api", "create-channel", "stable", "stable"], rows[1].Skip(1).Take(5));
        Assert.Matches(@"^\(new\)\s+→\s+visible channel stable$", rows[1][6]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", rows[0][0]);
    }

    [Fact]
    public async Task ASearchGoesIntoTheAddressAndTheServerAnswersIt()
    {
        await Get<ChannelService>().CreateAsync("stable", false, Alice, None);
        await Get<ChannelService>().CreateAsync("devel", false, Alice, None);
        await Get<TokenService>().CreateAsync("ci", Role.Viewer, null, Bob, None);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var page = Render<AuditPage>();
        Assert.Equal(3, Targets(page).Count);

        await page.Find("input[list]").ChangeAsync("devel");
        await page.Find("form").SubmitAsync();
        Assert.EndsWith("/admin/audit?channel=devel", navigation.Uri, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(["devel"], Targets(page)));

        await page.Find("input[list]").ChangeAsync("");
        await page.Find("input[type=search]").ChangeAsync("BOB viewer");
        await page.Find("form").SubmitAsync();
        Assert.EndsWith("/admin/audit?q=BOB%20viewer", navigation.Uri, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(["ci"], Targets(page)));
        await page.Find("input[type=search]").ChangeAsync("nobody");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal("No audit entries match this search.", page.Find("[data-testid=audit-empty]").TextContent));

        await page.Find("input[type=search]").ChangeAsync("");
        await page.Find("input[type=datetime-local]").ChangeAsync(DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal("No audit entries match this search.", page.Find("[data-testid=audit-empty]").TextContent));
        await page.Find("input[type=datetime-local]").ChangeAsync(DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Targets(page).Count));
        Assert.Contains("since=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheChangeTextIsSearchedTooNotOnlyWhatIsLoaded()
    {
        await Get<ChannelService>().CreateAsync("stable", false, Alice, None);
        await Get<ChannelService>().SetHiddenAsync("stable", true, Alice, None);
        foreach (var name in new[] { "one", "two", "three" })
        {
            await Get<ChannelService>().CreateAsync(name, false, Alice, None);
        }

        Services.GetRequiredService<NavigationManager>().NavigateTo($"{AdminRoutes.Audit}?q=visible%20HIDDEN");
        var page = Render<AuditPage>(p => p.Add(a => a.PageSize, 1));

        Assert.Equal(["stable"], Targets(page));
        Assert.Equal("hide-channel", page.Find("td.action").TextContent);
        Assert.Equal("visible HIDDEN", page.Find("input[type=search]").GetAttribute("value"));
        Assert.Empty(page.FindAll("button:contains('more')"));
    }

    [Fact]
    public async Task OpensADevicesHistoryFromItsAddress()
    {
        await Get<ChannelService>().CreateAsync("ubuntu/stable", false, Alice, None);
        await Get<DeviceService>().CreateAsync("ubuntu/stable", "mako", false, Alice, None);
        await Get<DeviceService>().CreateAsync("ubuntu/stable", "flo", false, Alice, None);
        Services.GetRequiredService<NavigationManager>().NavigateTo(AdminRoutes.AuditOf("ubuntu/stable", "mako"));

        var page = Render<AuditPage>();

        Assert.Equal(["ubuntu/stable/mako"], Targets(page));
        Assert.Equal("mako", page.Find("input[placeholder='any device']").GetAttribute("value"));
        Assert.Equal("/admin/audit?channel=ubuntu%2Fstable&device=mako", AdminRoutes.AuditOf("ubuntu/stable", "mako"));
    }

    [Fact]
    public async Task LoadsMoreEntriesOnRequest()
    {
        foreach (var name in new[] { "one", "two", "three" })
        {
            await Get<ChannelService>().CreateAsync(name, false, Alice, None);
        }

        var page = Render<AuditPage>(p => p.Add(a => a.PageSize, 2));
        Assert.Equal(["three", "two"], Targets(page));

        await page.Find("button:contains('Load 2 more')").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal(["three", "two", "one"], Targets(page)));
        Assert.Empty(page.FindAll("button:contains('more')"));
    }

    [Fact]
    public async Task OpensFilteredToAChannelWhoseNameHasASlash()
    {
        await Get<ChannelService>().CreateAsync("ubuntu-touch/stable", false, Alice, None);
        await Get<ChannelService>().CreateAsync("devel", false, Alice, None);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"{AdminRoutes.Audit}?channel={Uri.EscapeDataString("ubuntu-touch/stable")}");

        var page = Render<AuditPage>();

        Assert.Equal(["ubuntu-touch/stable"], Targets(page));
        Assert.Equal("ubuntu-touch/stable", page.Find("input[list]").GetAttribute("value"));
    }

    [Fact]
    public async Task AViewerReadsTheLogWithNothingToChange()
    {
        await Get<ChannelService>().CreateAsync("stable", false, Alice, None);
        SignInAs("vera", Role.Viewer);

        var page = Render<AuditPage>();

        Assert.Equal(["stable"], Targets(page));
        Assert.Equal(["Search"], page.FindAll("button").Select(b => b.TextContent));
    }

    private static List<string> Targets(IRenderedComponent<AuditPage> page) =>
        [.. page.FindAll("[data-testid=audit-entry]").Select(r => r.QuerySelectorAll("td")[4].TextContent)];
}
