using Bunit;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Devices;

/// <summary>Each action of the device page, succeeding and refused, checked in what the user sees and in the published index.json.</summary>
public sealed class DeviceActionTests : DevicePageContext
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        for (var build = 1; build <= 3; build++)
        {
            await PublishAsync("devel", "mako", build);
        }
    }

    [Fact]
    public async Task ThePhasedPercentageSliderAndNumberMoveTogetherAndPhaseTheLatestVersion()
    {
        var page = RenderPage("devel", "mako");

        await page.Find("#phase-number").InputAsync("30");
        Assert.Equal("30", page.Find("#phase-range").GetAttribute("value"));
        await page.Find("#phase-range").InputAsync("25");
        Assert.Equal("25", page.Find("#phase-number").GetAttribute("value"));
        await ClickAsync(page, "Set phased percentage");

        Assert.Equal("Version 3 of devel/mako is now phased at 25%.", Notice(page).TextContent);
        Assert.Equal(25, Full("devel", "mako", 3)["phased-percentage"]!.GetValue<int>());
        page.WaitForAssertion(() => Assert.Equal("25%", page.Find("[data-testid=image-full-3] td.phased").TextContent));
    }

    [Fact]
    public async Task ZeroWarnsThatItPullsTheImageAndAPercentageOver100IsRefused()
    {
        var page = RenderPage("devel", "mako");

        await page.Find("#phase-number").InputAsync("0");
        Assert.Contains("0% pulls version 3", page.Find(".notice.warn").TextContent);
        await page.Find("#phase-number").InputAsync("101");
        await ClickAsync(page, "Set phased percentage");

        Assert.Equal(("alert", "Phased percentage 101 is outside 0–100."), (Notice(page).GetAttribute("role"), Notice(page).TextContent));
        Assert.Null(Full("devel", "mako", 3)["phased-percentage"]);
    }

    [Fact]
    public async Task AVersionPublishedWhileThePageIsOpenAppearsAndThePhaseFormMovesToIt()
    {
        var page = RenderPage("devel", "mako");
        page.WaitForAssertion(() => Assert.StartsWith("3 · ", page.Find("[data-testid=phase-version]").TextContent));

        // Published elsewhere (CI through the API, a verb): nobody clicks anything here.
        await PublishAsync("devel", "mako", 4);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=image-full-4]")), Slow);
        Assert.StartsWith("4 · ", page.Find("[data-testid=phase-version]").TextContent);
        Assert.Equal("4", page.Find("#tag-version option").GetAttribute("value"));
        await page.Find("#phase-number").InputAsync("50");
        await ClickAsync(page, "Set phased percentage");
        Assert.Equal("Version 4 of devel/mako is now phased at 50%.", Notice(page).TextContent);
    }

    [Fact]
    public async Task CopyPreviewsTheNewVersionAndItsDeltasThenPublishesIt()
    {
        await Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako") { Version = 1 }, Setup, CancellationToken.None);
        var page = RenderPage("stable", "mako");

        await page.Find("#copy-source").ChangeAsync("devel");
        page.WaitForAssertion(() => Assert.Equal(["3", "2", "1"], page.FindAll("#copy-version option").Select(o => o.GetAttribute("value"))));
        await page.Find("#copy-tag").ChangeAsync("rc1");
        await ClickAsync(page, "Preview copy");

        var preview = page.Find("[data-testid=copy-preview]").TextContent;
        Assert.Contains("Version 3 of devel (3 · ", preview);
        Assert.Contains("becomes version 2 of stable/mako.", preview);
        Assert.Contains("The new image is offered to every device (phased percentage 100%).", preview);
        Assert.Contains("Deltas to be made: 1 → 2", preview);
        Assert.Contains("tag=rc1", preview);
        Assert.Equal(["full 1"], Entries("stable", "mako"));
        await ClickAsync(page, "Copy as version 2");

        Assert.Equal("Copied version 3 of devel/mako to stable as version 2.", Notice(page).TextContent);
        Assert.Equal(["full 1", "full 2", "delta 1-2"], Entries("stable", "mako"));
        Assert.Equal(Full("devel", "mako", 3)["files"]![0]!["path"]!.GetValue<string>(), Full("stable", "mako", 2)["files"]![0]!["path"]!.GetValue<string>());
        Assert.EndsWith(",tag=rc1,version=2", Full("stable", "mako", 2)["version_detail"]!.GetValue<string>());
        Assert.Empty(page.FindAll("[data-testid=copy-preview]"));
    }

    [Fact]
    public async Task CopyingTheDestinationsLatestAgainIsRefusedAtThePreview()
    {
        await Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako"), Setup, CancellationToken.None);
        var page = RenderPage("stable", "mako");

        await page.Find("#copy-source").ChangeAsync("devel");
        await ClickAsync(page, "Preview copy");

        Assert.Equal("Version 3 of devel/mako already is the latest full image (1) of stable.", Notice(page).TextContent);
        Assert.Empty(page.FindAll("[data-testid=copy-preview]"));
        Assert.Equal(["full 1"], Entries("stable", "mako"));
    }

    [Fact]
    public async Task TagPublishesANewVersionCarryingTheTagAndABadTagIsRefused()
    {
        var page = RenderPage("devel", "mako");

        await page.Find("#tag-version").ChangeAsync("2");
        await page.Find("#tag-name").InputAsync("a,b");
        await ClickAsync(page, "Tag version");
        Assert.Equal("Tag 'a,b' contains ',', which would break version_detail.", Notice(page).TextContent);

        await page.Find("#tag-name").InputAsync("OTA-7");
        await ClickAsync(page, "Tag version");

        Assert.Equal("Tagged version 2 of devel/mako as 'OTA-7': published version 4.", Notice(page).TextContent);
        Assert.EndsWith(",tag=OTA-7,version=4", Full("devel", "mako", 4)["version_detail"]!.GetValue<string>());
        Assert.Equal(Full("devel", "mako", 2)["files"]![0]!["path"]!.GetValue<string>(), Full("devel", "mako", 4)["files"]![0]!["path"]!.GetValue<string>());
        page.WaitForAssertion(() => Assert.Equal("OTA-7", page.Find("[data-testid=image-full-4]").Children[4].TextContent));
        Assert.Equal(("4", "4", "3"), (page.Find("#tag-version").GetAttribute("value"), page.Find("#description-version").GetAttribute("value"), page.Find("#revert-version").GetAttribute("value")));
    }

    [Fact]
    public async Task DescriptionAndTranslationsArePublishedAndABadLanguageIsRefused()
    {
        var page = RenderPage("devel", "mako");

        await page.Find("#description-text").InputAsync("Fixes the camera");
        await ClickAsync(page, "Add translation");
        await ClickAsync(page, "Add translation");
        await ClickAsync(page, "Add translation");
        await TranslationAsync(page, 0, "de", "Repariert die Kamera");
        await TranslationAsync(page, 1, "fr", "Répare la caméra");
        await TranslationAsync(page, 2, "not a language", "x");
        await ClickAsync(page, "Save description");
        Assert.Equal("'not a language' is not a language code (use e.g. de, pt_BR).", Notice(page).TextContent);

        await ClickAsync(page, "Remove translation not a language");
        await ClickAsync(page, "Remove translation fr");
        await ClickAsync(page, "Save description");

        Assert.Equal("Updated the description of version 3 of devel/mako.", Notice(page).TextContent);
        foreach (var entry in Images("devel", "mako").Where(i => i!["version"]!.GetValue<int>() == 3))
        {
            Assert.Equal("Fixes the camera", entry!["description"]!.GetValue<string>());
            Assert.Equal("Repariert die Kamera", entry["description_de"]!.GetValue<string>());
            Assert.Null(entry["description_fr"]);
        }

        page.WaitForAssertion(() => Assert.Contains("Repariert die Kamera", page.Find("[data-testid=image-full-3] .translations").TextContent));
    }

    [Fact]
    public async Task ADescriptionOverTheLimitIsRefusedWithTheServersMessage()
    {
        var page = RenderPage("devel", "mako");
        var before = Images("devel", "mako").ToJsonString();

        await page.Find("#description-text").InputAsync(new string('d', 4097));
        await ClickAsync(page, "Save description");

        Assert.Equal("The description is 4097 bytes long; the limit is 4096 bytes (SystemImage:Descriptions:MaxBytes).", Notice(page).TextContent);
        Assert.Equal(before, Images("devel", "mako").ToJsonString());
    }

    private static async Task TranslationAsync(IRenderedComponent<SystemImage.Admin.Ui.Devices.DevicePage> page, int row, string language, string text)
    {
        await page.FindAll("[data-testid=translation-row]")[row].QuerySelectorAll("input")[0].InputAsync(language);
        await page.FindAll("[data-testid=translation-row]")[row].QuerySelectorAll("input")[1].InputAsync(text);
    }

    [Fact]
    public async Task RemovingAnImageAsksFirstAndCancelKeepsIt()
    {
        var page = RenderPage("devel", "mako");

        await ClickAsync(page, "Remove delta 2→3");
        Assert.Equal("Remove delta 2→3 of devel/mako?", page.Find(".dialog h2").TextContent);
        await ClickAsync(page, "Cancel");
        Assert.Empty(page.FindAll(".dialog"));
        Assert.Contains("delta 2-3", Entries("devel", "mako"));

        await ClickAsync(page, "Remove delta 2→3");
        await ClickAsync(page, "Remove");

        Assert.Equal("Removed delta 2→3 from devel/mako.", Notice(page).TextContent);
        Assert.DoesNotContain("delta 2-3", Entries("devel", "mako"));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=image-delta-2-3]")));
    }

    [Fact]
    public async Task RevertOnAnAutomaticChannelPausesItsImportsAndPublishesTheGoodBuildAsANewVersion()
    {
        await MakeAutoAsync("devel");
        var page = RenderPage("devel", "mako");

        Assert.Equal("2", page.Find("#revert-version").GetAttribute("value"));
        await ClickAsync(page, "Revert…");
        var dialog = page.Find(".dialog").TextContent;
        Assert.Contains("Revert devel/mako to version 2?", dialog);
        Assert.Contains("published again as version 4, with deltas from 3", dialog);
        Assert.Contains("Imports of devel will be paused first", dialog);
        Assert.False((await Get<ImporterConfigService>().GetAsync("devel", CancellationToken.None))!.Paused);
        await ClickAsync(page, "Revert");

        Assert.StartsWith("Reverted devel/mako: Paused imports of devel. Published good version 2 again as version 4 over bad version 3.", Notice(page).TextContent);
        Assert.True((await Get<ImporterConfigService>().GetAsync("devel", CancellationToken.None))!.Paused);
        Assert.Equal(Full("devel", "mako", 2)["files"]![0]!["path"]!.GetValue<string>(), Full("devel", "mako", 4)["files"]![0]!["path"]!.GetValue<string>());
        Assert.Contains("delta 3-4", Entries("devel", "mako"));
        page.WaitForAssertion(() => Assert.Contains("imports paused", page.Find(".summary-line").TextContent));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=version-3] .badge.reverted")));
        Assert.Empty(page.FindAll("[data-testid=version-4] .badge.reverted, [data-testid=version-2] .badge.reverted"));
        Assert.Single(page.FindAll("[data-testid=image-full-3] .badge.reverted"));
    }

    [Fact]
    public async Task RevertingToTheBuildThatIsAlreadyLatestIsRefused()
    {
        await Get<ImageCopyService>().TagAsync("devel", "mako", 3, "OTA-1", Setup, CancellationToken.None);
        var page = RenderPage("devel", "mako");

        await page.Find("#revert-version").ChangeAsync("3");
        await ClickAsync(page, "Revert…");

        Assert.Equal("Version 3 of devel/mako already is the latest full image (4) of devel.", Notice(page).TextContent);
        Assert.Empty(page.FindAll(".dialog"));
        Assert.Equal(4, Images("devel", "mako").Max(i => i!["version"]!.GetValue<int>()));
    }
}
