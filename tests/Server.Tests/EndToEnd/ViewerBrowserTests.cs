using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SystemImage.Core.Audit;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static SystemImage.Server.Tests.EndToEnd.SampleReleases;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>A viewer reads every page but finds nothing to change, and the server changes nothing for them.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ViewerBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    /// <summary>The only buttons a viewer may meet: copying a checksum to the clipboard, and the audit search.</summary>
    private static readonly string[] HarmlessButtons = ["Copy", "Search"];

    [Fact]
    public async Task AViewerSeesEveryPageWithoutMutatingControlsAndCannotChangeAnything()
    {
        var runId = await CreateAsync(server);
        var before = await StateAsync();
        var page = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(page, "vera", Password);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Channels" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Tokens" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".who .badge")).ToHaveTextAsync("viewer");
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Channels" })).ToHaveClassAsync(new Regex(@"\bactive\b"));

        // The overview: every channel, no creation form.
        await Expect(page.Locator($"tr[data-channel='{Stable}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-channel='{Candidate}']")).ToContainTextAsync(Stable);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New channel" })).ToHaveCountAsync(0);
        await AssertNothingToChangeAsync(page);

        // A manual channel and an automatic one: devices and the importer, read-only.
        await page.Locator($"tr[data-channel='{Stable}'] a").ClickAsync();
        await Expect(page.Locator("tr[data-device=mako]")).ToContainTextAsync("4");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Promote from another channel" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Device name")).ToHaveCountAsync(0);
        await AssertNothingToChangeAsync(page);
        await Browser.GotoAsync(page, Admin.Ui.AdminRoutes.Channel(Devel));
        await Expect(page.GetByTestId("last-import")).ToContainTextAsync($"run {runId}");
        await Expect(page.Locator("fieldset.config")).ToHaveAttributeAsync("disabled", "");
        await Expect(page.GetByLabel("Schedule (cron)")).ToBeDisabledAsync();
        await Expect(page.GetByLabel("Type")).ToBeDisabledAsync();
        await AssertNothingToChangeAsync(page);

        // A device: history and images, no action forms.
        await Browser.GotoAsync(page, Admin.Ui.AdminRoutes.Device(Stable, Device));
        await Expect(page.GetByTestId("image-full-4")).ToContainTextAsync("OTA-5");
        await Expect(page.GetByTestId("image-delta-3-4")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Actions" })).ToHaveCountAsync(0);
        await AssertNothingToChangeAsync(page);

        // Jobs (no dashboard link), one job, the audit log, the keys (no re-sign, no rotation).
        await nav.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await Expect(page.GetByTestId($"job-{runId}")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hangfire dashboard" })).ToHaveCountAsync(0);
        await AssertNothingToChangeAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Job {runId}", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("job-log")).Not.ToBeEmptyAsync();
        await AssertNothingToChangeAsync(page);
        await nav.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await Expect(page.Locator("table.audit tbody tr").First).ToBeVisibleAsync();
        await AssertNothingToChangeAsync(page);
        await nav.GetByRole(AriaRole.Link, new() { Name = "Keys" }).ClickAsync();
        await Expect(page.GetByTestId("key-image-signing")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Re-sign the tree" })).ToHaveCountAsync(0);
        await AssertNothingToChangeAsync(page);

        // Admin-only places are refused: tokens inside the app and by address, the Hangfire dashboard (which can
        // trigger jobs); the browser's session does not open the API either (it takes tokens).
        await page.EvaluateAsync("Blazor.navigateTo('/admin/tokens')");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your role does not allow this page.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create a token" })).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/tokens");
        Assert.Contains("/admin/denied", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your role does not allow this page.");
        Assert.False((await page.APIRequest.GetAsync("/admin/jobs")).Ok, "the Hangfire dashboard is for admins");
        Assert.False((await page.APIRequest.PostAsync("/api/v1/channels", new() { DataObject = new { name = "sneaky" } })).Ok);
        Assert.False((await page.APIRequest.PostAsync("/admin/jobs/recurring/trigger", new() { Form = page.APIRequest.CreateFormData().Set("jobs[]", "x") })).Ok);

        Assert.Equal(before, await StateAsync());
    }

    /// <summary>Fails when the page's main part offers any button but the harmless ones, shown or folded away (file lists).</summary>
    private static async Task AssertNothingToChangeAsync(IPage page)
    {
        var buttons = await page.Locator("main button").AllTextContentsAsync();
        Assert.True(buttons.All(b => HarmlessButtons.Contains(b.Trim())), $"{page.Url} offers a viewer: {string.Join(", ", buttons)}");
        await Expect(page.Locator("main input[type=range]")).ToHaveCountAsync(0);
    }

    /// <summary>What a change would alter: channels.json, the indexes, the audit log.</summary>
    private async Task<string> StateAsync()
    {
        var audit = await server.Get<AuditQueries>().ListAsync(null, null, 1000, CancellationToken.None);
        var indexes = await Task.WhenAll(new[] { Stable, Devel }.Select(c => server.Http.GetStringAsync(new Uri($"/{c}/{Device}/index.json", UriKind.Relative))));
        return $"{await server.Http.GetStringAsync(new Uri("/channels.json", UriKind.Relative))}\n{string.Join("\n", indexes)}\naudit: {audit.Count}";
    }
}
