using Microsoft.Playwright;
using SystemImage.Admin.Ui;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// Accounts in a real browser, under the admin pages' content security policy: a one-time password leads to the
/// password page and nowhere else, every page works without the browser reporting a blocked script, style or
/// connection, and a user an admin disables is sent to sign-in from the page they have open.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class AccountBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task AOneTimePasswordIsReplacedFirstAndNoPageTripsTheSecurityPolicy()
    {
        await AddAsync("nina", Role.Admin, mustChange: true);
        var page = await browser.NewPageAsync(server.BaseAddress);
        var blocked = await WatchAsync(page);

        await page.GotoAsync(AdminRoutes.Keys);
        await page.GetByLabel("User name").FillAsync("nina");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await page.WaitForURLAsync("**/admin/account?returnUrl=%2Fadmin%2Fkeys");
        await Expect(page.GetByTestId("must-change")).ToBeVisibleAsync();
        await page.GotoAsync(AdminRoutes.Users);
        await page.WaitForURLAsync("**/admin/account?returnUrl=%2Fadmin%2Fusers");
        await page.GetByLabel("Current password").FillAsync(Password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("nina's own password");
        await page.GetByLabel("New password again").FillAsync("nina's own password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/users");
        await Browser.WaitForInteractiveAsync(page);

        await page.GetByLabel("User name").FillAsync("oscar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Expect(page.GetByTestId("password")).Not.ToHaveValueAsync("");
        foreach (var url in new[] { AdminRoutes.Home, AdminRoutes.Jobs, AdminRoutes.Audit, AdminRoutes.Keys, AdminRoutes.Tokens, AdminRoutes.Account })
        {
            await page.GotoAsync(url);
            if (url != AdminRoutes.Account)
            {
                await Browser.WaitForInteractiveAsync(page);
            }
        }

        await page.GotoAsync(AdminRoutes.Users);
        await Browser.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable oscar" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(page.GetByTestId("user-oscar").GetByTestId("user-state")).ToHaveTextAsync("disabled");
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task AUserAnAdminDisablesIsSentToSignInFromTheirOpenPage()
    {
        await AddAsync("pia", Role.Viewer);
        await AddAsync("quinn", Role.Admin);
        var victim = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(victim, "pia", Password, AdminRoutes.Audit);
        var admin = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(admin, "quinn", Password, AdminRoutes.Users);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable pia" }).ClickAsync();
        await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(admin.GetByTestId("user-pia").GetByTestId("user-state")).ToHaveTextAsync("disabled");

        // The open circuit checks the session again within a few seconds and sends the page to sign-in.
        await victim.WaitForURLAsync("**/admin/sign-in?returnUrl=%2Fadmin%2Faudit", new() { Timeout = 20_000 });
        await Expect(victim.GetByLabel("User name")).ToBeVisibleAsync();
    }

    private async Task AddAsync(string name, Role role, bool mustChange = false) =>
        Assert.True((await server.Get<UserService>().AddAsync(name, role, Password, new Actor("tests", "cli"), CancellationToken.None, mustChange)).Succeeded);

    /// <summary>
    /// What the page's policy blocks (scripts, styles, images, connections, frames), as the browser reports it to the
    /// page in <c>securitypolicyviolation</c> events, and any script error.
    /// </summary>
    private static async Task<List<string>> WatchAsync(IPage page)
    {
        var blocked = new List<string>();
        void Add(string what)
        {
            lock (blocked)
            {
                blocked.Add($"{page.Url}: {what}");
            }
        }

        await page.ExposeFunctionAsync("reportBlocked", (string what) => Add(what));
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => window.reportBlocked(`${e.violatedDirective} blocked ${e.blockedURI}`))");
        page.PageError += (_, error) => Add(error);
        return blocked;
    }
}
