using Bunit;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Admin.Ui.Keys;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Keys;

public sealed class KeysPageTests : UiTestContext
{
    private KeyStore Store => Get<KeyStore>();

    [Fact]
    public void ListsEveryKeyringWithItsFingerprintAndACountdownToExpiry()
    {
        var page = Render<KeysPage>();

        Assert.Equal(KeyNames.All, page.FindAll(".keys section.card h2").Select(h => h.TextContent));
        foreach (var name in KeyNames.All)
        {
            Assert.Equal(Store.Describe(name).Fingerprint, Card(page, name).QuerySelector("[data-testid=fingerprint]")!.TextContent);
        }

        Assert.Equal("never expires", Expiry(page, KeyNames.ArchiveMaster).TextContent);
        Assert.Matches("^expires in (729|730) days$", Expiry(page, KeyNames.ImageSigning).TextContent);
        Assert.Contains("ok", Expiry(page, KeyNames.ImageSigning).ClassName);
        Assert.Equal("/gpg/image-signing.tar.xz", Card(page, KeyNames.ImageSigning).QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData(20, "^expires in (10|11) days$", "warn")]
    [InlineData(40, "^expired (8|9) days ago$", "failed")]
    public void WarnsUnderThirtyDaysAndShowsAnErrorOnceExpired(int daysFromNow, string text, string style)
    {
        Services.AddSingleton<TimeProvider>(new ShiftedTime(TimeSpan.FromDays(daysFromNow)));

        var page = Render<KeysPage>();

        var deviceSigning = Expiry(page, KeyNames.DeviceSigning); // valid for 31 days from the test keys' creation
        Assert.Matches(text, deviceSigning.TextContent);
        Assert.Contains(style, deviceSigning.ClassName);
    }

    [Fact]
    public void ShowsAnErrorWhenTheKeysAreMissing()
    {
        var empty = Path.Combine(Data.Path, "no-secrets");
        Services.AddSingleton(ActivatorUtilities.CreateInstance<KeyStore>(Data.Services, empty));

        var page = Render<KeysPage>();

        Assert.Contains("Could not read the signing keys: Signing key 'archive-master' is missing", page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll(".keys section.card"));
        Assert.Equal("No key is revoked.", page.Find("[data-testid=blacklist-empty]").TextContent);
    }

    [Fact]
    public async Task RotateAsksFirstThenQueuesAJobAndShowsTheNewFingerprint()
    {
        var before = Store.Describe(KeyNames.ImageSigning).Fingerprint;
        var page = Render<KeysPage>();

        await page.Find("button:contains('Rotate image-signing')").ClickAsync();
        Assert.Contains("signed by image-master", page.Find("[role=dialog]").TextContent);
        await page.Find("[role=dialog] button.danger").ClickAsync();

        var runId = Assert.Single(await Get<ImportRunQueries>().RecentAsync(null, null, 10, CancellationToken.None)).Id;
        Assert.Equal($"Queued the rotation of image-signing as job {runId}.", page.Find("p.notice").TextContent);
        Assert.Equal(AdminRoutes.Job(runId), page.Find("[data-testid=job-status] a").GetAttribute("href"));
        Assert.Empty(page.FindAll("[role=dialog]"));
        await Jobs.WhenIdleAsync();

        var after = Store.Describe(KeyNames.ImageSigning).Fingerprint;
        Assert.NotEqual(before, after);
        page.WaitForAssertion(() =>
        {
            Assert.Equal(after, Card(page, KeyNames.ImageSigning).QuerySelector("[data-testid=fingerprint]")!.TextContent);
            Assert.Equal("succeeded", page.Find("[data-testid=job-status] [data-testid=job-state]").TextContent);
        });
    }

    [Fact]
    public async Task CancellingTheRotationQueuesNothing()
    {
        var page = Render<KeysPage>();

        await page.Find("button:contains('Rotate device-signing')").ClickAsync();
        await page.Find("[role=dialog] button:not(.danger)").ClickAsync();

        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.Empty(await Get<ImportRunQueries>().RecentAsync(null, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ResignQueuesAJobThatSucceeds()
    {
        var page = Render<KeysPage>();

        await page.Find("button:contains('Re-sign the tree')").ClickAsync();

        var run = Assert.Single(await Get<ImportRunQueries>().RecentAsync(null, null, 10, CancellationToken.None));
        Assert.Equal((ImportRun.ResignKind, "tester (ui)"), (run.Kind, run.Actor));
        Assert.Equal($"Queued a re-sign of the whole tree as job {run.Id}.", page.Find("p.notice").TextContent);
        await Jobs.WhenIdleAsync();
        Assert.Equal(ImportRunState.Succeeded, (await Get<ImportRuns>().GetAsync(run.Id, CancellationToken.None))!.State);
        page.WaitForAssertion(() => Assert.Equal("succeeded", page.Find("[data-testid=job-status] [data-testid=job-state]").TextContent));
    }

    [Fact]
    public async Task RefusesBothActionsWhenTheRoleNoLongerAllowsThem()
    {
        var fingerprint = Store.Describe(KeyNames.ImageSigning).Fingerprint;
        var page = Render<KeysPage>();
        await page.Find("button:contains('Rotate image-signing')").ClickAsync();
        SignInAs("tester", Role.Publisher);

        await page.Find("button:contains('Re-sign the tree')").ClickAsync();
        page.WaitForAssertion(() => Assert.Equal("Only admins may re-sign the tree.", page.Find("[role=alert]").TextContent));
        await page.Find("[role=dialog] button.danger").ClickAsync();
        page.WaitForAssertion(() => Assert.Equal("Only admins may rotate keys.", page.Find("[role=alert]").TextContent));
        Assert.Empty(page.FindAll("button")); // the dialog has closed and the page now knows the role

        Assert.Empty(await Get<ImportRunQueries>().RecentAsync(null, null, 10, CancellationToken.None));
        Assert.Equal(fingerprint, Store.Describe(KeyNames.ImageSigning).Fingerprint);
    }

    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Publisher)]
    public void ShowsNoActionsBelowAdmin(Role role)
    {
        SignInAs("someone", role);

        var page = Render<KeysPage>();

        Assert.Equal(KeyNames.All.Count, page.FindAll(".keys section.card").Count);
        Assert.Empty(page.FindAll("button"));
        Assert.Empty(page.FindAll("input, textarea"));
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<KeysPage> page, string name) => page.Find($"[data-testid=key-{name}]");

    private static AngleSharp.Dom.IElement Expiry(IRenderedComponent<KeysPage> page, string name) =>
        Card(page, name).QuerySelector("[data-testid=key-expiry]")!;
}
