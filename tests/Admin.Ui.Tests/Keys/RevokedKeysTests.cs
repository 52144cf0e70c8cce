using System.Text;
using Bunit;
using SystemImage.Admin.Ui.Keys;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Keys;

/// <summary>The blacklist on the keys page: everyone sees the revoked keys; admins revoke a current key or any key by fingerprint.</summary>
public sealed class RevokedKeysTests : UiTestContext
{
    private KeyStore Store => Get<KeyStore>();

    private KeyRevocation Revocation => Get<KeyRevocation>();

    [Fact]
    public async Task ViewersSeeTheRevokedKeysWithWhoAndWhyButNoWayToRevoke()
    {
        var key = ForeignKey.Create();
        Ok((await Revocation.RevokeAsync(key.Fingerprint, Encoding.ASCII.GetBytes(key.Armored), "vendor key leaked", Setup, CancellationToken.None)).Result);
        SignInAs("vera", Role.Viewer);

        var page = Render<KeysPage>();

        var cells = page.FindAll($"[data-testid=revoked-{key.Fingerprint}] td").Select(td => td.TextContent).ToList();
        Assert.Equal([key.Fingerprint, "from file"], cells.Take(2));
        Assert.Equal(["setup (cli)", "vendor key leaked"], cells.Skip(3));
        Assert.Equal("/gpg/blacklist.tar.xz", page.Find("[data-testid=revoked-keys] a").GetAttribute("href"));
        Assert.Empty(page.FindAll("button"));
        Assert.Empty(page.FindAll("input, textarea"));
    }

    [Fact]
    public void AFreshTreeHasAnEmptyBlacklist()
    {
        var page = Render<KeysPage>();

        Assert.Equal("No key is revoked.", page.Find("[data-testid=blacklist-empty]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=key-revoked]"));
    }

    [Fact]
    public async Task RevokeOnTheImageSigningCardAsksFirstThenPutsTheKeyOnThePublishedBlacklist()
    {
        var fingerprint = Store.Describe(KeyNames.ImageSigning).Fingerprint;
        var page = Render<KeysPage>();
        Assert.Empty(page.FindAll("button:contains('Revoke archive-master'), button:contains('Revoke image-master')"));

        await page.Find("button:contains('Revoke image-signing')").ClickAsync();
        var dialog = page.Find("[role=dialog]").TextContent;
        Assert.Contains("Devices then refuse everything it signs", dialog);
        Assert.Contains("until it is rotated", dialog);
        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Contains("rotate-key image-signing", page.Find("p.notice.ok").TextContent));
        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.Equal("image-signing", page.Find($"[data-testid=revoked-{fingerprint}] td:nth-child(2)").TextContent);
        Assert.NotNull(Card(page, KeyNames.ImageSigning).QuerySelector("[data-testid=key-revoked]"));
        Assert.Empty(page.FindAll("button:contains('Revoke image-signing')"));
        Assert.NotEmpty(page.FindAll("button:contains('Rotate image-signing')"));
        Assert.Equal([fingerprint], TrustedKeys.FromKeyringTarXz(File.ReadAllBytes(Data.File("/gpg/blacklist.tar.xz"))).Fingerprints);
        var revoked = Assert.Single(await Revocation.ListAsync(CancellationToken.None));
        Assert.Equal("tester (ui)", revoked.RevokedBy);
    }

    [Fact]
    public async Task CancellingTheRevocationChangesNothing()
    {
        var page = Render<KeysPage>();

        await page.Find("button:contains('Revoke device-signing')").ClickAsync();
        await page.Find("[role=dialog] button:not(.danger)").ClickAsync();

        Assert.Empty(page.FindAll("[role=dialog]"));
        Assert.Empty(await Revocation.ListAsync(CancellationToken.None));
        Assert.Empty(TreeAssert.ReadTarXz(Data.File("/gpg/blacklist.tar.xz"))["keyring.gpg"]);
    }

    [Fact]
    public async Task TheFormRevokesAKeyFromAPastedPublicKeyAndClears()
    {
        var key = ForeignKey.Create();
        var page = Render<KeysPage>();

        await page.Find("#revoke-fingerprint").ChangeAsync(string.Join(' ', key.Fingerprint.ToLowerInvariant().Chunk(4).Select(c => new string(c))));
        await page.Find("#revoke-public-key").ChangeAsync(key.Armored);
        await page.Find("#revoke-reason").ChangeAsync("vendor key leaked");
        await page.Find("[data-testid=revoked-keys] form").SubmitAsync();

        page.WaitForAssertion(() => Assert.StartsWith($"Revoked from file key {key.Fingerprint}", page.Find("p.notice.ok").TextContent, StringComparison.Ordinal));
        Assert.Equal("vendor key leaked", page.Find($"[data-testid=revoked-{key.Fingerprint}] td:last-child").TextContent);
        Assert.Equal("", page.Find("#revoke-fingerprint").GetAttribute("value") ?? "");
        Assert.Equal([key.Fingerprint], (await Revocation.ListAsync(CancellationToken.None)).Select(k => k.Fingerprint));
    }

    [Fact]
    public async Task TheFormSaysWhyAKeyIsRefusedAndKeepsWhatWasTyped()
    {
        var archiveMaster = Store.Describe(KeyNames.ArchiveMaster).Fingerprint;
        var page = Render<KeysPage>();

        await page.Find("#revoke-fingerprint").ChangeAsync(archiveMaster);
        await page.Find("[data-testid=revoked-keys] form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("archive-master key, which devices trust directly", page.Find("p.notice.error").TextContent));
        Assert.Equal(archiveMaster, page.Find("#revoke-fingerprint").GetAttribute("value"));
        Assert.Empty(await Revocation.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheFormNeedsAFingerprint()
    {
        var page = Render<KeysPage>();

        await page.Find("[data-testid=revoked-keys] form").SubmitAsync();

        Assert.Equal("Give the key's fingerprint.", page.Find(".validation-message").TextContent);
        Assert.Empty(page.FindAll("p.notice"));
    }

    [Fact]
    public async Task RefusesToRevokeWhenTheRoleNoLongerAllowsIt()
    {
        var page = Render<KeysPage>();
        await page.Find("button:contains('Revoke image-signing')").ClickAsync();
        SignInAs("tester", Role.Publisher);

        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("Your role cannot revoke keys; it takes the admin role.", page.Find("[role=alert]").TextContent));
        Assert.Empty(await Revocation.ListAsync(CancellationToken.None));
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<KeysPage> page, string name) => page.Find($"[data-testid=key-{name}]");
}
