using Microsoft.Playwright;
using SystemImage.Admin.Ui;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static SystemImage.Server.Tests.EndToEnd.SampleReleases;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// Every page of the admin UI with real content, photographed at desktop width (1280 px) and at phone width (390 px),
/// where nothing may make the page scroll sideways. The pictures land in artifacts/screenshots (the README shows a
/// few of them, copied to docs/screenshots).
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class PageScreenshotsTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    [Fact]
    public async Task EveryPageShowsAtDesktopAndPhoneWidthWithoutScrollingSideways()
    {
        var runId = await CreateAsync(server);
        (string Name, string Url, Func<IPage, Task> Ready)[] pages =
        [
            ("channels", AdminRoutes.Home, p => Expect(p.Locator($"tr[data-channel='{Candidate}']")).ToBeVisibleAsync()),
            ("channel-auto", AdminRoutes.Channel(Devel), p => Expect(p.GetByTestId("last-import")).ToBeVisibleAsync()),
            ("channel-manual", AdminRoutes.Channel(Stable), p => Expect(p.Locator("tr[data-device=flo]")).ToBeVisibleAsync()),
            ("device", AdminRoutes.Device(Stable, Device), p => Expect(p.GetByTestId("image-delta-3-4")).ToBeVisibleAsync()),
            ("jobs", AdminRoutes.Jobs, p => Expect(p.GetByTestId($"job-{runId}")).ToBeVisibleAsync()),
            ("job", AdminRoutes.Job(runId), p => Expect(p.GetByTestId("job-log")).Not.ToBeEmptyAsync()),
            ("audit", AdminRoutes.Audit, p => Expect(p.Locator("table.audit tbody tr").First).ToBeVisibleAsync()),
            ("keys", AdminRoutes.Keys, p => Expect(p.GetByTestId("key-device-signing")).ToBeVisibleAsync()),
            ("users", AdminRoutes.Users, p => Expect(p.GetByTestId("user-vera")).ToBeVisibleAsync()),
        ];

        foreach (var phone in new[] { false, true })
        {
            var suffix = phone ? "-phone" : "";
            var visitor = await browser.NewPageAsync(server.BaseAddress, phone);
            await visitor.GotoAsync(AdminRoutes.SignIn);
            await Expect(visitor.GetByLabel("User name")).ToBeVisibleAsync();
            await ShootAsync(visitor, "sign-in" + suffix, phone);

            var viewer = await browser.NewPageAsync(server.BaseAddress, phone);
            await Browser.SignInAsync(viewer, "vera", Password);
            await viewer.GotoAsync(AdminRoutes.Tokens);
            await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
            await ShootAsync(viewer, "denied" + suffix, phone);
            await Task.WhenAll(visitor.Context.CloseAsync(), viewer.Context.CloseAsync());

            var page = await browser.NewPageAsync(server.BaseAddress, phone);
            await Browser.SignInAsync(page, "alice", Password);
            foreach (var (name, url, ready) in pages)
            {
                await Browser.GotoAsync(page, url);
                await ready(page);
                await ShootAsync(page, name + suffix, phone);
            }

            await page.GotoAsync(AdminRoutes.Account);
            await Expect(page.GetByLabel("Current password")).ToBeVisibleAsync();
            await ShootAsync(page, "account" + suffix, phone);

            await Browser.GotoAsync(page, AdminRoutes.Tokens);
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(phone ? "phone-ci" : "release-ci");
            await page.GetByLabel("Role").SelectOptionAsync("Publisher");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
            await Expect(page.GetByTestId("token-secret")).Not.ToHaveValueAsync("");
            await ShootAsync(page, "tokens" + suffix, phone);
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The whole page, plus what the first screen shows at desktop width; nothing may overflow sideways or stretch a field.</summary>
    private static async Task ShootAsync(IPage page, string name, bool phone)
    {
        await Browser.AssertNoHorizontalOverflowAsync(page);
        await Browser.AssertFieldsKeepTheirHeightAsync(page);
        await Browser.ScreenshotAsync(page, name);
        if (!phone)
        {
            await Browser.ScreenshotAsync(page, name + "-top", fullPage: false);
        }
    }
}
