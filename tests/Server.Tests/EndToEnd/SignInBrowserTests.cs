using Microsoft.Playwright;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>Signing in and out in a real browser.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class SignInBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task AWrongPasswordIsRefusedAndTheRightOneSignsIn()
    {
        await AddUserAsync("rm", Role.Publisher);
        var page = await browser.NewPageAsync(server.BaseAddress);

        await page.GotoAsync("/admin");
        Assert.Contains("/admin/sign-in?ReturnUrl=%2Fadmin", page.Url, StringComparison.OrdinalIgnoreCase);
        await Browser.ScreenshotAsync(page, "sign-in");
        await page.GetByLabel("User name").FillAsync("rm");
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong user name or password.");

        await Browser.SignInAsync(page, "rm", Password);

        await Assertions.Expect(page.Locator(".who .user")).ToHaveTextAsync("rm");
        await Assertions.Expect(page.Locator(".who .badge")).ToHaveTextAsync("publisher");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The address, then the form: waiting for the page's load event as well once timed out on a busy machine.
        await page.WaitForURLAsync("**/admin/sign-in", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/sign-in", page.Url);
    }

    private async Task AddUserAsync(string name, Role role) =>
        Assert.True((await server.Get<UserService>().AddAsync(name, role, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);
}
