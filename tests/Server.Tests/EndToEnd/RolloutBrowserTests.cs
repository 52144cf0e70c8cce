using Hangfire;
using Microsoft.Playwright;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.Server.Jobs;
using Xunit;
using static Microsoft.Playwright.Assertions;
using static SystemImage.Server.Tests.EndToEnd.PublishedTree;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// A release manager ramps a build with the preset, the test clock moves a day on, then they pause and halt it; and
/// phases a whole channel at once from its page. index.json follows.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class RolloutBrowserTests(RolloutClockServer server, Browser browser) : IClassFixture<RolloutClockServer>, IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";
    private const string Channel = "ubuntu-touch/ramp";
    private static readonly string[] Fleet = ["flo", "grouper", "mako"];

    [Fact]
    public async Task ARampStartedWithThePresetAdvancesWithTheClockThenIsPausedAndHalted()
    {
        var setup = new Actor("tests", "cli");
        Assert.True((await server.Get<UserService>().AddAsync("ramp", Role.Publisher, Password, setup, CancellationToken.None)).Succeeded);
        Assert.True((await server.Get<Core.Channels.ChannelService>().CreateAsync(Channel, false, setup, CancellationToken.None)).Succeeded);
        using var ci = await ApiClient.WithRoleAsync(server, Role.Publisher);
        foreach (var device in Fleet)
        {
            Assert.True((await server.Get<Core.Channels.DeviceService>().CreateAsync(Channel, device, false, setup, CancellationToken.None)).Succeeded);
            await UploadAsync(server, ci, Channel, device, build: 1, "Ramped build");
        }

        var page = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(page, "ramp", Password, $"/admin/channels/{Uri.EscapeDataString(Channel)}");
        await Browser.WaitForInteractiveAsync(page);

        // Two clicks: the preset, then Start rollout.
        await page.GetByRole(AriaRole.Button, new() { Name = "10% now, 50% in 1 day, 100% in 3 days", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start rollout", Exact = true }).ClickAsync();
        var timeline = page.Locator(".rollout-timeline li");
        await Expect(timeline).ToHaveCountAsync(3);
        await Expect(timeline.Nth(0)).ToHaveAttributeAsync("data-status", "done");
        await Expect(timeline.Nth(1)).ToHaveAttributeAsync("data-status", "next");
        foreach (var device in Fleet)
        {
            await IndexWhereAsync(server, Channel, device, i => (int?)FullImage(i, 1)?["phased-percentage"] == 10, $"{device} at 10%");
        }

        await Browser.ScreenshotAsync(page, "rollout-1-started");

        // A day later the job runs the second step.
        server.Clock.Advance(TimeSpan.FromDays(1));
        server.Get<IBackgroundJobClient>().Enqueue<RolloutJob>(job => job.AdvanceAsync(CancellationToken.None));
        foreach (var device in Fleet)
        {
            await IndexWhereAsync(server, Channel, device, i => (int?)FullImage(i, 1)?["phased-percentage"] == 50, $"{device} at 50%");
        }

        await page.ReloadAsync();
        await Browser.WaitForInteractiveAsync(page);
        await Expect(timeline.Nth(1)).ToHaveAttributeAsync("data-status", "done");
        await Expect(timeline.Nth(2)).ToHaveAttributeAsync("data-status", "next");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Expect(page.Locator(".rollout-state")).ToHaveTextAsync("paused");
        await Expect(timeline.Nth(2)).ToHaveAttributeAsync("data-status", "paused");

        // Halting: Halt, the reason, Halt rollout.
        await page.GetByRole(AriaRole.Button, new() { Name = "Halt", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("boot loop on flo");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Halt rollout", Exact = true }).ClickAsync();
        await Expect(page.Locator(".rollout-state")).ToHaveTextAsync("halted");
        await Expect(page.Locator("section[aria-labelledby=rollout]")).ToContainTextAsync("boot loop on flo");
        foreach (var device in Fleet)
        {
            await IndexWhereAsync(server, Channel, device, i => (int?)FullImage(i, 1)?["phased-percentage"] == 0, $"{device} at 0%");
        }

        await Browser.ScreenshotAsync(page, "rollout-2-halted");
    }

    [Fact]
    public async Task AThreeDeviceChannelIsPhasedFromItsPageInTwoClicksAfterAPreviewOfEachDevice()
    {
        const string channel = "ubuntu-touch/phase-all";
        var setup = new Actor("tests", "cli");
        Assert.True((await server.Get<UserService>().AddAsync("phaser", Role.Publisher, Password, setup, CancellationToken.None)).Succeeded);
        Assert.True((await server.Get<Core.Channels.ChannelService>().CreateAsync(channel, false, setup, CancellationToken.None)).Succeeded);
        using var ci = await ApiClient.WithRoleAsync(server, Role.Publisher);
        foreach (var device in Fleet)
        {
            Assert.True((await server.Get<Core.Channels.DeviceService>().CreateAsync(channel, device, false, setup, CancellationToken.None)).Succeeded);
            await UploadAsync(server, ci, channel, device, build: 2, "Shared build");
        }

        // The three devices got the same build: their images share its pool files.
        var shared = BuildFiles(Latest((await IndexOrNullAsync(server, channel, Fleet[0]))!));
        foreach (var device in Fleet.Skip(1))
        {
            Assert.Equal(shared, BuildFiles(Latest((await IndexOrNullAsync(server, channel, device))!)));
        }

        var page = await browser.NewPageAsync(server.BaseAddress);
        await Browser.SignInAsync(page, "phaser", Password, $"/admin/channels/{Uri.EscapeDataString(channel)}");
        var clicks = 0;
        async Task ClickAsync(string button)
        {
            clicks++;
            await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        }

        var section = page.Locator("section[aria-labelledby=phase-channel]");
        await Expect(section.Locator("legend")).ToHaveTextAsync("Devices to phase (all 3)");
        await section.GetByLabel("Percentage").FillAsync("30");
        await ClickAsync("Preview phasing");
        var rows = section.Locator("table.phasing tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        foreach (var device in Fleet)
        {
            await Expect(section.Locator($"tr[data-device={device}]")).ToContainTextAsync("version 1: 100% → 30%");
            Assert.Null(FullImage((await IndexOrNullAsync(server, channel, device))!, 1)!["phased-percentage"]);
        }

        await section.EvaluateAsync("e => window.scrollBy(0, e.getBoundingClientRect().top - 16)");
        await Browser.ScreenshotAsync(page, "channel-phasing", fullPage: false);

        await ClickAsync("Phase 3 device(s) at 30%");
        await Expect(section.Locator(".notice.ok")).ToContainTextAsync("Phased 3 of 3 device(s)");
        foreach (var device in Fleet)
        {
            await IndexWhereAsync(server, channel, device, i => (int?)FullImage(i, 1)?["phased-percentage"] == 30, $"{device} at 30%");
            await Expect(page.Locator($"tr[data-device={device}]").First).ToContainTextAsync("v1 · 30%");
        }

        Assert.Equal(2, clicks);
        await page.Context.CloseAsync();
    }
}
