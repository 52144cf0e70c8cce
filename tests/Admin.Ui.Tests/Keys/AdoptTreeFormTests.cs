using Bunit;
using Microsoft.AspNetCore.Components.Web;
using SystemImage.Admin.Ui.Keys;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Keys;

/// <summary>The keys page's "Import a classic installation" section, over a copy of the classic server's fixture.</summary>
public sealed class AdoptTreeFormTests : UiTestContext
{
    private static readonly TimeSpan Checking = TimeSpan.FromSeconds(30);
    private readonly ClassicFixture _classic = ClassicFixture.Create();

    protected override void Dispose(bool disposing)
    {
        _classic.Dispose();
        base.Dispose(disposing);
    }

    [Fact]
    public async Task CheckShowsThePlanThenAdoptAsksFirstAndRunsAJobThatInstallsTheClassicKeys()
    {
        var page = Render<KeysPage>();
        Assert.Empty(page.FindAll(".adopt-tree button.danger"));

        await page.Find("#adopt-root").ChangeAsync(_classic.Path);
        // The check exports four keys with gpg and reads every file: seconds, not a render. Each handler is awaited, so
        // no click lands while the renderer is still busy with the check's last render.
        await page.Find("form.adopt-tree").SubmitAsync().WaitAsync(Checking);
        Assert.StartsWith("Would adopt 1 channel(s) (testing), 2 device(s), 6 image(s)", page.Find(".adopt-plan p.notice").TextContent);
        Assert.Contains(page.FindAll(".adopt-plan li"), li => li.TextContent == "image-signing 3FD6ECCED7146ADEA4F171915B6F9F755DECE667");
        await page.Find(".adopt-tree button.danger").ClickAsync(new MouseEventArgs()).WaitAsync(Checking);
        Assert.Contains("replace this server's signing keys", page.Find("[role=dialog]").TextContent);
        await page.Find("[role=dialog] button.danger").ClickAsync(new MouseEventArgs()).WaitAsync(Checking);

        var run = Assert.Single(await Get<ImportRunQueries>().RecentAsync(null, null, 10, CancellationToken.None));
        Assert.Equal((ImportRun.AdoptKind, "tester (ui)"), (run.Kind, run.Actor));
        await Jobs.WhenIdleAsync();
        Assert.Equal(ImportRunState.Succeeded, (await Get<ImportRuns>().GetAsync(run.Id, CancellationToken.None))!.State);
        Assert.Equal("3FD6ECCED7146ADEA4F171915B6F9F755DECE667", Get<KeyStore>().Describe(KeyNames.ImageSigning).Fingerprint);
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("[data-testid=fingerprint]"), f => f.TextContent == "3FD6ECCED7146ADEA4F171915B6F9F755DECE667"));
    }

    [Fact]
    public async Task AProblemIsListedAndNothingCanBeAdopted()
    {
        File.Delete(_classic.File("/testing/mako/version-2.tar.xz"));
        var page = Render<KeysPage>();

        await page.Find("#adopt-root").ChangeAsync(_classic.Path);
        await page.Find("form.adopt-tree").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal("1 problem(s) stand in the way; nothing would be adopted:", page.Find(".adopt-plan [role=alert]").TextContent), Checking);
        Assert.Equal("/testing/mako/version-2.tar.xz: the file is missing", page.Find(".adopt-plan .problems li").TextContent);
        Assert.Empty(page.FindAll(".adopt-tree button.danger"));
    }

    [Fact]
    public void OnlyAdminsSeeTheSection()
    {
        SignInAs("tester", Role.Publisher);

        var page = Render<KeysPage>();

        Assert.Empty(page.FindAll("form.adopt-tree"));
    }
}
