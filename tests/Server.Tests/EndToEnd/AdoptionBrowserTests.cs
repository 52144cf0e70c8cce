using Microsoft.Playwright;
using SystemImage.Server.Tests.Devices;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// The real device client downloads its update from the real server (the device fleet's process, which flushes its
/// download counts every second); a viewer an admin added through the API then finds the download on the device's
/// chart and on the releases page.
/// </summary>
[Collection(DeviceFleetCollection.Name)]
public sealed class AdoptionBrowserTests(DeviceFleet fleet, Browser browser) : IClassFixture<Browser>
{
    /// <summary>A channel of this test only, with a build of its own, so no other case's download is counted.</summary>
    private const string Channel = "adoption";
    private const string Device = "mako";
    private const string OneTimePassword = "one-time password of rita";
    private const string Password = "correct horse battery staple";

    [DeviceFact]
    public async Task ADeviceDownloadsItsUpdateAndTheDevicePageChartsIt()
    {
        DeviceClient.Require();
        await fleet.PostAsync(fleet.Admin, "/users", new { name = "rita", role = "viewer", password = OneTimePassword });
        await fleet.PostAsync(fleet.Admin, "/channels", new { name = Channel });
        await fleet.PostAsync(fleet.Admin, $"/channels/{Channel}/devices", new { name = Device });
        await fleet.UploadAsync(Channel, Device, fleet.Builds.Rootfs(1, Channel), description: "First build");

        var run = await DeviceClient.RunAsync(fleet.Server, ClientRequest.Download(Channel, Device, 0, "1"));
        Assert.True(run.Passed, run.ToString());
        Assert.Equal("1", run.Path);
        Assert.Equal(["ubuntu", "version-1.tar.xz"], run.Updates.Select(u => u.StartsWith("ubuntu-", StringComparison.Ordinal) ? "ubuntu" : u));

        var page = await browser.NewPageAsync(fleet.Server.BaseAddress);
        try
        {
            await SignInReplacingTheOneTimePasswordAsync(page);
            await SeeTheDownloadAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Rita's first sign-in goes through the password page (her password is a one-time one) to the device page.</summary>
    private static async Task SignInReplacingTheOneTimePasswordAsync(IPage page)
    {
        var devicePage = Admin.Ui.AdminRoutes.Device(Channel, Device);
        await page.GotoAsync($"/admin/sign-in?returnUrl={Uri.EscapeDataString(devicePage)}");
        await page.GetByLabel("User name").FillAsync("rita");
        await page.GetByLabel("Password").FillAsync(OneTimePassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByLabel("Current password").FillAsync(OneTimePassword);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("New password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForURLAsync("**" + devicePage);
        await Browser.WaitForInteractiveAsync(page);
    }

    private static async Task SeeTheDownloadAsync(IPage page)
    {
        var chart = page.GetByRole(AriaRole.Img, new() { Name = $"Downloads per version per day of {Device} in {Channel}" });
        for (var attempt = 0; attempt < 20 && await page.Locator("[data-testid=downloads-chart] rect.bar").CountAsync() == 0; attempt++)
        {
            // Counts reach the database at the server's next flush (every second here): look again.
            await Task.Delay(500);
            await Browser.GotoAsync(page, Admin.Ui.AdminRoutes.Device(Channel, Device));
        }

        await Expect(chart).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=downloads-chart] rect.bar")).ToHaveCountAsync(1);

        // Two check-ins: the client's, and the harness's own read of index.json when it checks what the client fetched
        // (this test reads nothing over HTTP, so that it counts nothing itself).
        await Expect(page.Locator("[data-testid=downloads-chart] svg desc")).ToContainTextAsync("1 full, 0 delta, 2 check-ins");
        await Browser.ScreenshotAsync(page, "device-downloads");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Releases" }).ClickAsync();
        var row = page.GetByTestId("release-row").Filter(new() { HasText = "First build" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(page, "releases");
    }
}
