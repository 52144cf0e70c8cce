using Bunit;
using SystemImage.Admin.Ui.Devices;
using SystemImage.Core.Images;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Devices;

/// <summary>The device page as a release manager uses it: actions first, versions named by what they are, previews that say who gets the new image.</summary>
public sealed class DeviceReleaseManagerTests : DevicePageContext
{
    private static readonly Dictionary<string, string> NoTranslations = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ChannelAsync("devel", "mako");
        await ChannelAsync("stable", "mako");
        for (var build = 1; build <= 3; build++)
        {
            await PublishAsync("devel", "mako", build);
        }

        var editor = Get<ImageEditor>();
        Ok(await editor.SetDescriptionAsync("devel", "mako", 2, "Fixes the camera on every device that has one, and much more besides", NoTranslations, Setup, CancellationToken.None));
        Ok(await editor.SetDescriptionAsync("devel", "mako", 3, "Night build", NoTranslations, Setup, CancellationToken.None));
        Ok(await Get<ImageCopyService>().TagAsync("devel", "mako", 2, "OTA-5", Setup, CancellationToken.None));
    }

    [Fact]
    public void TheActionsComeBeforeTheHistoryAndTheFilesAreCollapsed()
    {
        var page = RenderPage("devel", "mako");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("table.images")), Slow);

        Assert.Equal(["Actions", "History", "Images"], page.FindAll("h2").Select(h => h.TextContent).Where(t => t is "Actions" or "History" or "Images"));
        var lists = page.FindAll("table.images .files");
        Assert.Equal(page.FindAll("table.images tbody tr").Count, lists.Count);
        Assert.All(lists, list =>
        {
            var details = list.Closest("details");
            Assert.NotNull(details);
            Assert.False(details.HasAttribute("open"), "file lists start collapsed");
        });
        var full = page.Find("[data-testid=image-full-1] details summary").TextContent;
        Assert.Matches(@"^\d+ files?, ", full);
    }

    [Fact]
    public async Task EveryVersionPickerNamesTheTagDescriptionAndDayOfEachVersion()
    {
        var images = (await Get<ImageQueries>().ListOrNullAsync("devel", "mako", CancellationToken.None))!;
        string Day(int version) => DeviceFormat.Day(images.Single(i => i.Type == "full" && i.Version == version).CreatedAt);
        var page = RenderPage("devel", "mako");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#tag-version option")), Slow);

        var tagged = $"4 · tag OTA-5 · Fixes the camera on every device that h… · {Day(4)}";
        Assert.Equal(tagged, page.Find("#tag-version option[value='4']").TextContent);
        Assert.Equal("Fixes the camera on every device that has one, and much more besides", page.Find("#tag-version option[value='4']").GetAttribute("title"));
        Assert.Equal($"3 · Night build · {Day(3)}", page.Find("#tag-version option[value='3']").TextContent);
        Assert.Equal($"3 · Night build · {Day(3)}", page.Find("#revert-version option[value='3']").TextContent);
        Assert.Equal(tagged, page.Find("#description-version option[value='4']").TextContent);
        Assert.Equal(tagged, page.Find("[data-testid=phase-version]").TextContent);

        var stable = RenderPage("stable", "mako");
        stable.WaitForAssertion(() => Assert.NotEmpty(stable.FindAll("#copy-source")), Slow);
        await stable.Find("#copy-source").ChangeAsync("devel");
        stable.WaitForAssertion(() => Assert.Equal(tagged, stable.Find("#copy-version option[value='4']").TextContent));
    }

    [Fact]
    public async Task TheCopyPreviewStatesThePhasedPercentageTheNewImageGetsAndTheCopyGetsIt()
    {
        var page = RenderPage("stable", "mako");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#copy-source")), Slow);
        await page.Find("#copy-source").ChangeAsync("devel");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#copy-version option")));

        await ClickAsync(page, "Preview copy");
        Assert.Equal("The new image is offered to every device (phased percentage 100%).", page.Find("[data-testid=copy-phased]").TextContent);
        await page.Find("#copy-phased").ChangeAsync(40);
        Assert.Empty(page.FindAll("[data-testid=copy-preview]"));
        await ClickAsync(page, "Preview copy");
        Assert.Equal("The new image is offered to 40% of devices (phased percentage 40%).", page.Find("[data-testid=copy-phased]").TextContent);
        await ClickAsync(page, "Copy as version 1");

        Assert.Equal(40, Full("stable", "mako", 1)["phased-percentage"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheRevertConfirmationStatesThatTheGoodBuildGoesToEveryDevice()
    {
        var page = RenderPage("devel", "mako");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#revert-version")), Slow);

        await ClickAsync(page, "Revert…");

        Assert.Equal("The new image is offered to every device (phased percentage 100%).", page.Find("[data-testid=revert-phased]").TextContent);
    }
}
