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

/// <summary>Open pages follow changes made by someone else: here, verbs run in processes of their own on the server's data directory.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class LivePagesBrowserTests(InProcessServer server, Browser browser) : IClassFixture<InProcessServer>, IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";
    private const string Channel = "live";
    private static readonly Actor Tester = new("tests", "cli");

    [Fact]
    public async Task TheDevicePageAndTheOverviewShowWhatAVerbInAnotherProcessChanged()
    {
        Ok(await server.Get<UserService>().AddAsync("rita", Role.Publisher, Password, Tester, CancellationToken.None));
        Ok(await server.Get<ChannelService>().CreateAsync(Channel, false, Tester, CancellationToken.None));
        Ok(await server.Get<DeviceService>().CreateAsync(Channel, "mako", false, Tester, CancellationToken.None));
        var build = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "live-1.tar.gz"), 1, files: 10);
        Ok(await server.Get<ImageService>().PublishAsync(
            new PublishImageRequest(Channel, "mako", [new PartInput("ubuntu", build)]) { Description = "First build" }, Tester, CancellationToken.None));

        var page = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(page, "rita", Password, Admin.Ui.AdminRoutes.Device(Channel, "mako"));
        await Expect(page.GetByTestId("version-1")).ToContainTextAsync("First build");
        await Expect(page.GetByTestId("version-1")).Not.ToContainTextAsync("phased");
        await page.EvaluateAsync("window.stillTheSamePage = true");

        var phased = await ServerProcess.RunVerbInAsync(server, "set-phased-percentage", Channel, "mako", "1", "30");
        Assert.True(phased.ExitCode == 0, phased.ToString());

        await Expect(page.GetByTestId("version-1")).ToContainTextAsync("phased 30%");
        await Expect(page.Locator("[data-testid=image-full-1] td.phased")).ToHaveTextAsync("30%");
        await Expect(page.Locator("#phase-number")).ToHaveValueAsync("30");
        Assert.True(await page.EvaluateAsync<bool>("window.stillTheSamePage === true"), "the page updated in place, without a reload");
        await Browser.ScreenshotAsync(page, "live-device-page-after-verb");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Channels" }).ClickAsync();
        await Expect(page.Locator($"tr[data-channel='{Channel}']")).ToBeVisibleAsync();
        await page.EvaluateAsync("window.stillTheSamePage = true");

        var created = await ServerProcess.RunVerbInAsync(server, "create-channel", "live-too");
        Assert.True(created.ExitCode == 0, created.ToString());

        await Expect(page.Locator("tr[data-channel='live-too']")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("window.stillTheSamePage === true"), "the overview updated in place, without a reload");
    }

    private static void Ok(OperationResult result) => Assert.True(result.Succeeded, result.Message);
}
