using Bunit;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Channels;

public sealed class ImporterTests : ChannelTestContext
{
    [Fact]
    public async Task MakesAChannelAutomaticWithOrderedFilesAScheduleAndItsNextThreeRuns()
    {
        Services.AddSingleton<TimeProvider>(new FixedTime(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero)));
        await ChannelAsync("devel", "mako");
        var page = Open("devel");
        Assert.Contains("A manual channel", page.Find("section[aria-labelledby=importer] p").TextContent);

        await page.Find("#config-type").ChangeAsync("Auto");
        await page.Find("#config-full-count").ChangeAsync(3);
        await page.Find("#config-schedule").InputAsync("0 */6 * * *");
        Assert.Equal(["2026-11-26 18:00 UTC", "2026-11-27 00:00 UTC", "2026-11-27 06:00 UTC"], page.FindAll(".next-run").Select(t => t.TextContent));
        await ClickAsync(page, "Add file");
        await ClickAsync(page, "Add file");
        var rows = page.FindAll("li.file");
        await rows[0].QuerySelector("input[id$=-name]")!.ChangeAsync("version");
        await page.FindAll("li.file")[0].QuerySelector("select")!.ChangeAsync(VersionGenerator.GeneratorName);
        await page.FindAll("li.file")[1].QuerySelector("input[id$=-name]")!.ChangeAsync("ubuntu");
        await page.FindAll("li.file")[1].QuerySelector("select")!.ChangeAsync(HttpGenerator.GeneratorName);
        await page.FindAll("li.file")[1].QuerySelector("input[id$=-arguments]")!.ChangeAsync("https://images.example.com/ubuntu.tar.xz");
        await page.FindAll("li.file")[1].QuerySelector("input[id$=-options]")!.ChangeAsync("monitor=https://images.example.com/build");
        await ClickAsync(page.Find("button[aria-label='Move ubuntu up']"));
        Assert.Equal(["ubuntu", "version"], page.FindAll("li.file").Select(f => f.GetAttribute("data-file")));
        await ClickAsync(page, "Save configuration");

        page.WaitForAssertion(() => Assert.StartsWith("Saved the importer configuration of devel (auto, 2 files, fullCount 3, schedule '0 */6 * * *')", page.Find(".notice.ok").TextContent), Patience);
        var saved = (await Get<ImporterConfigService>().GetAsync("devel", None))!;
        Assert.Equal((ChannelType.Auto, 3, "0 */6 * * *"), (saved.Type, saved.FullCount, saved.Schedule));
        Assert.Equal(["ubuntu: http;https://images.example.com/ubuntu.tar.xz;monitor=https://images.example.com/build", "version: version"], saved.Files.Select(f => f.ToString()));
        page.WaitForAssertion(() => Assert.Contains("auto", page.Find("p.badges").TextContent), Patience);
    }

    [Fact]
    public async Task AnInvalidCronIsShownAsTypedAndRefusedOnSave()
    {
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig());
        var page = Open("devel");

        await page.Find("#config-schedule").InputAsync("61 * * * *");

        Assert.StartsWith("'61 * * * *' is not a valid cron expression", page.Find(".cron-preview .field-error").TextContent);
        Assert.Empty(page.FindAll(".next-run"));
        await ClickAsync(page, "Save configuration");
        page.WaitForAssertion(() => Assert.StartsWith("Importer configuration of 'devel': '61 * * * *' is not a valid cron expression", page.Find(".notice.error").TextContent), Patience);
        Assert.Null((await Get<ImporterConfigService>().GetAsync("devel", None))!.Schedule);
    }

    [Fact]
    public async Task RemovesAFileAndRefusesAnAutomaticChannelWithoutFiles()
    {
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig());
        var page = Open("devel");
        Assert.Equal(["ubuntu", "version"], page.FindAll("li.file").Select(f => f.GetAttribute("data-file")));

        await ClickAsync(page.Find("button[aria-label='Remove file ubuntu']"));
        await ClickAsync(page.Find("button[aria-label='Remove file version']"));
        Assert.Equal("No files: an automatic channel needs at least one (and the version file last).", page.Find("[data-testid=no-files]").TextContent);
        await ClickAsync(page, "Save configuration");

        page.WaitForAssertion(() => Assert.Equal("Importer configuration of 'devel': an automatic channel needs at least one file", page.Find(".notice.error").TextContent), Patience);
        Assert.Equal(2, (await Get<ImporterConfigService>().GetAsync("devel", None))!.Files.Count);
    }

    [Fact]
    public async Task AnOptionThatIsNotKeyEqualsValueIsRefusedBeforeSaving()
    {
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig());
        var page = Open("devel");

        await page.FindAll("li.file")[0].QuerySelector("input[id$=-options]")!.ChangeAsync("monitor");
        await ClickAsync(page, "Save configuration");

        page.WaitForAssertion(() => Assert.Equal("File 'ubuntu': option 'monitor' is not key=value.", page.Find(".notice.error").TextContent), Patience);
        Assert.Empty((await Get<ImporterConfigService>().GetAsync("devel", None))!.Files[0].Options);
    }

    [Fact]
    public async Task PausesAndResumesImportsAndAPausedChannelRefusesImportNow()
    {
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig());
        var page = Open("devel");

        await ClickAsync(page, "Pause imports");

        page.WaitForAssertion(() => Assert.Equal("Paused imports of devel.", page.Find(".notice.ok").TextContent), Patience);
        Assert.True((await Get<ImporterConfigService>().GetAsync("devel", None))!.Paused);
        page.WaitForAssertion(() => Assert.Contains("import paused", page.Find("p.badges").TextContent), Patience);
        await ClickAsync(page, "Import now");
        page.WaitForAssertion(() => Assert.Equal("Imports of channel 'devel' are paused; resume them first.", page.Find(".notice.error").TextContent), Patience);
        Assert.Empty(await Get<ImportRunQueries>().RecentAsync("devel", null, 10, None));

        await ClickAsync(page, "Resume imports");
        page.WaitForAssertion(() => Assert.Equal("Resumed imports of devel.", page.Find(".notice.ok").TextContent), Patience);
        Assert.False((await Get<ImporterConfigService>().GetAsync("devel", None))!.Paused);
    }

    [Fact]
    public async Task ImportNowQueuesARunAndLinksToIt()
    {
        await ChannelAsync("devel", "mako");
        await ConfigureAsync("devel", AutoConfig());
        var page = Open("devel");

        await ClickAsync(page, "Import now");

        var run = (await Get<ImportRunQueries>().RecentAsync("devel", null, 10, None)).Single();
        page.WaitForAssertion(() => Assert.Equal($"Queued the import of devel (run {run.Id}).", page.Find(".notice.ok").TextContent), Patience);
        Assert.Equal(AdminRoutes.Job(run.Id), page.Find("[data-testid=queued-run] a").GetAttribute("href"));
        Assert.Equal(("import-now", "tester (ui)"), (run.Trigger, run.Actor));
        await Jobs.WhenIdleAsync();
        var finished = (await Get<ImportRuns>().GetAsync(run.Id, None))!;
        page.WaitForAssertion(() => Assert.Equal("Imports are active.", page.Find("[data-testid=import-state]").TextContent.Trim()), Patience);
        page.WaitForAssertion(() => Assert.EndsWith($": {finished.Summary}", Text(page.Find("[data-testid=last-import]"))), Patience);
        Assert.StartsWith($"Last import: run {run.Id}, {finished.State.ToString().ToLowerInvariant()} at ", Text(page.Find("[data-testid=last-import]")));
    }

    [Fact]
    public async Task AManualChannelHasNoImportControls()
    {
        await ChannelAsync("stable", "mako");

        var page = Open("stable");

        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent is "Import now" or "Pause imports");
        Assert.Equal("Manual", page.Find("#config-type").GetAttribute("value"));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
