using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SystemImage.Admin.Ui;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static SystemImage.Server.Tests.EndToEnd.SampleReleases;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// Keyboard and layout in a real browser: modal dialogs, a long channel name at phone width, the audit table at
/// 1280 px, the history links, an unknown admin address and an API reference that stays on this server.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class AccessibilityBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    private const string LongName = "ubuntu-touch/an-unusually-long-channel-name-that-does-not-fit-a-phone/stable";
    private static readonly SemaphoreSlim Filling = new(1, 1);

    [Fact]
    public async Task ADialogTakesFocusKeepsTabInsideClosesOnEscapeAndGivesFocusBack()
    {
        var page = await SignedInAsync(phone: false);
        await Browser.GotoAsync(page, AdminRoutes.Channel(Stable));
        var remove = page.GetByRole(AriaRole.Button, new() { Name = "Remove channel…" });

        await remove.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Type")).ToBeFocusedAsync();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync(i % 2 == 0 ? "Tab" : "Shift+Tab");
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await dialog.EvaluateAsync<bool>("d => d.contains(document.activeElement)"), $"Tab {i + 1} left the dialog.");
        }

        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(remove).ToBeFocusedAsync();
    }

    [Fact]
    public async Task NothingScrollsSidewaysAtPhoneWidthWithALongChannelName()
    {
        var page = await SignedInAsync(phone: true);
        foreach (var url in new[]
        {
            AdminRoutes.Home, AdminRoutes.Channel(LongName), AdminRoutes.Channel("current"), AdminRoutes.Channel(Stable),
            AdminRoutes.Device(LongName, Device), AdminRoutes.Audit, AdminRoutes.AuditOf(LongName, Device), AdminRoutes.Releases, "/admin/anything-unknown",
        })
        {
            await Browser.GotoAsync(page, url);
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Browser.AssertNoHorizontalOverflowAsync(page);
        }

        await Browser.GotoAsync(page, AdminRoutes.Channel("current"));
        await Expect(page.GetByLabel("Alias target")).ToHaveValueAsync(LongName);
    }

    [Fact]
    public async Task TheAuditTableFitsA1280PixelWindowAndTheHistoryLinksFilterIt()
    {
        var page = await SignedInAsync(phone: false);
        await Browser.GotoAsync(page, AdminRoutes.Device(LongName, Device));
        await page.GetByTestId("history-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(AdminRoutes.AuditOf(LongName, Device)) + "$"));
        await Expect(page.Locator("table.audit td.action")).ToHaveTextAsync(["publish-image", "create-device"]);
        await Expect(page.Locator("input[list]")).ToHaveValueAsync(LongName);

        await Browser.GotoAsync(page, AdminRoutes.Audit);
        await Expect(page.Locator("table.audit tbody tr").First).ToBeVisibleAsync();
        var (tableWidth, wrapWidth) = (await page.EvaluateAsync<int>("document.querySelector('table.audit').scrollWidth"),
            await page.EvaluateAsync<int>("document.querySelector('table.audit').parentElement.clientWidth"));
        Assert.True(tableWidth <= wrapWidth, $"The audit table is {tableWidth} px wide in {wrapWidth} px.");
        await Browser.AssertNoHorizontalOverflowAsync(page);

        await page.GetByLabel("Words").FillAsync("50%");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/admin/audit\?q=50%25$"));
        await Expect(page.Locator("table.audit td.action")).ToHaveTextAsync(["set-phased-percentage"]);

        await Browser.GotoAsync(page, AdminRoutes.Channel(Stable));
        await page.GetByTestId("history-link").ClickAsync();
        await Expect(page.Locator("table.audit tbody tr").First).ToBeVisibleAsync();
        Assert.All(await page.Locator("table.audit td:nth-child(6)").AllInnerTextsAsync(), channel => Assert.Equal(Stable, channel));
    }

    [Fact]
    public async Task AnUnknownAdminAddressShowsTheAppsNotFoundPageWith404()
    {
        var page = await SignedInAsync(phone: false);

        var response = await page.GotoAsync("/admin/anything-unknown");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("/admin/anything-unknown");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the channels" }).ClickAsync();
        await Expect(page.Locator($"tr[data-channel='{Stable}']")).ToBeVisibleAsync();
        Assert.Equal(404, (await page.APIRequest.GetAsync("/admin/channels/x/devices/y/nothing")).Status);
        Assert.Equal("application/problem+json", (await page.APIRequest.GetAsync("/api/v1/nothing")).Headers["content-type"]);
    }

    [Fact]
    public async Task TheApiReferenceLoadsNothingFromOutsideNamesSectionsByResourceAndLinksBack()
    {
        var page = await SignedInAsync(phone: false);
        var outside = new List<string>();
        await page.Context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url) is { Scheme: "http" or "https" or "ws" or "wss" } uri && uri.Host != server.BaseAddress.Host)
            {
                lock (outside)
                {
                    outside.Add(route.Request.Url);
                }

                await route.AbortAsync();
                return;
            }

            await route.ContinueAsync();
        });

        await page.GotoAsync(AdminRoutes.ApiReference);
        foreach (var section in new[] { "Channels", "Devices", "Images", "Tokens", "Audit" })
        {
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = section, Exact = true })).ToHaveAttributeAsync("href", $"#tag/{section.ToLowerInvariant()}");
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var buttons = string.Join(" | ", await page.Locator("button:visible, a:visible").AllInnerTextsAsync());
        var promotion = Regex.Match(buttons, "Open API Client|Ask AI|Agent|MCP|Powered by|Deploy|Scalar", RegexOptions.IgnoreCase);
        Assert.False(promotion.Success, $"The API reference offers '{promotion.Value}': {buttons}");
        Assert.Empty(outside);
        await page.GetByRole(AriaRole.Link, new() { Name = "← Back to the admin UI" }).ClickAsync();
        await Expect(page.Locator($"tr[data-channel='{Stable}']")).ToBeVisibleAsync();
    }

    private async Task<IPage> SignedInAsync(bool phone)
    {
        await Filling.WaitAsync();
        try
        {
            if (await server.Get<SystemImage.Core.Security.UserService>().GetOrNullAsync("alice", CancellationToken.None) is null)
            {
                await CreateAsync(server);
                var tester = new Actor("tests", "cli");
                Ok(await server.Get<ChannelService>().CreateAsync(LongName, false, tester, CancellationToken.None));
                Ok(await server.Get<DeviceService>().CreateAsync(LongName, Device, false, tester, CancellationToken.None));
                var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "long-1.tar.gz"), 1);
                Ok(await server.Get<ImageService>().PublishAsync(new PublishImageRequest(LongName, Device, [new PartInput("ubuntu", file)]), tester, CancellationToken.None));
                Ok(await server.Get<ChannelService>().CreateAliasAsync("current", LongName, tester, CancellationToken.None));
            }
        }
        finally
        {
            Filling.Release();
        }

        var page = await browser.NewPageAsync(server.BaseAddress, phone);
        await Browser.SignInAsync(page, "alice", Password);
        return page;
    }

    private static void Ok(OperationResult result) => Assert.True(result.Succeeded, result.Message);
}
