using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.TestUtilities;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>A device downloads its update over HTTP; a release manager then finds it on the device's downloads chart and the releases page.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class AdoptionBrowserTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly Actor Tester = new("tester", "api");
    private readonly InProcessServer _server = InProcessServer.WithArguments("--SystemImage:Adoption:FlushSeconds=1");

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.True((await _server.Get<UserService>().AddAsync("rita", Role.Viewer, Password, Tester, CancellationToken.None)).Succeeded);
        Assert.True((await _server.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
        Assert.True((await _server.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, CancellationToken.None)).Succeeded);
        var build = SimpleTarball.WriteBuild(Path.Combine(_server.DataDir, "rootfs.tar.gz"), 1, files: 40);
        var published = await _server.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]) { Description = "First build" }, Tester, CancellationToken.None);
        Assert.True(published.Succeeded, published.Message);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ADeviceDownloadsItsUpdateAndTheDevicePageChartsIt()
    {
        // What the device client does: channels.json, its index, then every file of the full image with its signature.
        using var device = new HttpClient { BaseAddress = _server.BaseAddress };
        await device.GetStringAsync(new Uri("/channels.json", UriKind.Relative));
        var index = JsonNode.Parse(await device.GetStringAsync(new Uri("/stable/mako/index.json", UriKind.Relative)))!;
        foreach (var file in index["images"]![0]!["files"]!.AsArray())
        {
            Assert.NotEmpty(await device.GetByteArrayAsync(new Uri(file!["path"]!.GetValue<string>(), UriKind.Relative)));
            await device.GetStringAsync(new Uri(file["signature"]!.GetValue<string>(), UriKind.Relative));
        }

        var page = await browser.NewPageAsync(_server.BaseAddress);
        try
        {
            await SeeTheDownloadAsync(page);
        }
        finally
        {
            // The page's circuit closed before the server of this test stops, so its shutdown does not wait for it.
            await page.Context.CloseAsync();
        }
    }

    private static async Task SeeTheDownloadAsync(IPage page)
    {
        await Browser.SignInAsync(page, "rita", Password);
        await Browser.GotoAsync(page, Admin.Ui.AdminRoutes.Device("stable", "mako"));
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Downloads per version per day of mako in stable" });
        for (var attempt = 0; attempt < 20 && await page.Locator("[data-testid=downloads-chart] rect.bar").CountAsync() == 0; attempt++)
        {
            // Counts reach the database at the next flush (1 s here): look again.
            await Task.Delay(500);
            await page.ReloadAsync();
        }

        await Expect(chart).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=downloads-chart] rect.bar")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=downloads-chart] svg desc")).ToContainTextAsync("1 full, 0 delta, 1 check-ins");
        await Browser.ScreenshotAsync(page, "device-downloads");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Releases" }).ClickAsync();
        var row = page.GetByTestId("release-row");
        await Expect(row).ToContainTextAsync("First build");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(page, "releases");
    }
}
