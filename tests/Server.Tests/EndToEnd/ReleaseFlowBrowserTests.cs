using Microsoft.Playwright;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static SystemImage.Server.Tests.EndToEnd.PublishedTree;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// A release manager's day in the browser: every step through the admin UI except the upload, which CI does through
/// the API; after each step the index.json devices download (over HTTP) shows the change.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ReleaseFlowBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";
    private const string Devel = "devel";

    /// <summary>A name with a slash: it travels percent-encoded in one segment of the admin UI's addresses.</summary>
    private const string Stable = "ubuntu-touch/stable";

    [Fact]
    public async Task AReleaseManagerPromotesPhasesAndRevertsAndTheIndexFollowsEachStep()
    {
        Assert.True((await server.Get<UserService>().AddAsync("rm", Role.Admin, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);
        using var ci = await ApiClient.WithRoleAsync(server, Role.Publisher);
        var page = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(page, "rm", Password);

        // A channel and a device, made in the UI.
        await CreateChannelAsync(page, Devel);
        Assert.True((await ChannelsAsync(server)).ContainsKey(Devel));
        await OpenChannelAsync(page, Devel);
        await page.GetByLabel("Device name").FillAsync("mako");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add device", Exact = true }).ClickAsync();
        await Expect(page.Locator("tr[data-device=mako]")).ToBeVisibleAsync();
        await IndexWhereAsync(server, Devel, "mako", i => i["images"]!.AsArray().Count == 0, "no images yet");
        await Browser.ScreenshotAsync(page, "flow-1-devel-with-mako");

        // CI publishes a build through the API; the device page shows it.
        await UploadAsync(server, ci, Devel, "mako", build: 1, "Good build");
        await IndexWhereAsync(server, Devel, "mako", i => FullImage(i, 1) is not null, "version 1");
        await page.Locator("tr[data-device=mako] a").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("mako");
        await Expect(page.GetByTestId("image-full-1")).ToContainTextAsync("Good build");
        await Browser.ScreenshotAsync(page, "flow-2-devel-mako-published");

        // A second channel (its name holds a slash) with devel's devices, then devel promoted into it after a preview.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Channels" }).ClickAsync();
        await CreateChannelAsync(page, Stable, copyDevicesFrom: Devel);
        Assert.True((await ChannelsAsync(server))[Stable]?["devices"]?["mako"] is not null, "channels.json lists mako in the new channel");
        await OpenChannelAsync(page, Stable);
        Assert.Contains("/admin/channels/ubuntu-touch%2Fstable", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("From channel").SelectOptionAsync(Devel);
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
        var preview = page.Locator("table.promotion tr[data-device=mako] td");
        await Expect(preview.Nth(3)).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(page, "flow-3-promotion-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Promote 1 device(s)" }).ClickAsync();
        await Expect(page.Locator("section[aria-labelledby=promote] .notice.ok")).ToBeVisibleAsync();
        var promoted = await IndexWhereAsync(server, Stable, "mako", i => FullImage(i, 1) is not null, "the promoted version 1");
        var good = BuildFiles(FullImage(promoted, 1)!);
        Assert.Equal(BuildFiles(FullImage((await IndexOrNullAsync(server, Devel, "mako"))!, 1)!), good);

        // The phased percentage, set with the slider (the number follows).
        await page.Locator("table.devices tr[data-device=mako] a").ClickAsync();
        await Expect(page.GetByTestId("image-full-1")).ToBeVisibleAsync();
        await page.GetByLabel("Phased percentage (slider)").FillAsync("30");
        await Expect(page.Locator("#phase-number")).ToHaveValueAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set phased percentage" }).ClickAsync();
        await Expect(page.GetByTestId("version-1")).ToContainTextAsync("phased 30%");
        await IndexWhereAsync(server, Stable, "mako", i => (int?)FullImage(i, 1)?["phased-percentage"] == 30, "version 1 phased at 30%");
        await Browser.ScreenshotAsync(page, "flow-4-phased");

        // A bad build reaches stable through the API; the release manager reverts to the good one.
        await UploadAsync(server, ci, Stable, "mako", build: 2, "Bad build");
        var bad = BuildFiles(FullImage(await IndexWhereAsync(server, Stable, "mako", i => FullImage(i, 2) is not null, "version 2"), 2)!);
        Assert.NotEqual(good, bad);
        await Browser.GotoAsync(page, page.Url);
        await Expect(page.GetByTestId("image-full-2")).ToContainTextAsync("Bad build");
        await Expect(page.Locator("#revert-version")).ToHaveValueAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert…", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("version 3");
        await Browser.ScreenshotAsync(page, "flow-5-revert-confirm", fullPage: false);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revert", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("image-full-3")).ToBeVisibleAsync();
        var reverted = await IndexWhereAsync(server, Stable, "mako", i => (int)Latest(i)["version"]! == 3, "the reverted version 3");
        Assert.Equal(good, BuildFiles(Latest(reverted)));
        await Browser.ScreenshotAsync(page, "flow-6-reverted");
    }

    private static async Task CreateChannelAsync(IPage page, string name, string? copyDevicesFrom = null)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New channel" })).ToBeVisibleAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (copyDevicesFrom is not null)
        {
            await page.GetByLabel("Copy devices from").SelectOptionAsync(copyDevicesFrom);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Create channel" }).ClickAsync();
        await Expect(page.Locator($"tr[data-channel='{name}']")).ToBeVisibleAsync();
    }

    private static async Task OpenChannelAsync(IPage page, string name)
    {
        await page.Locator($"tr[data-channel='{name}']").GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
    }
}
