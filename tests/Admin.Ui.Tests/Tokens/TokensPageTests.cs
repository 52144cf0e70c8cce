using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using SystemImage.Admin.Ui.Tokens;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Tokens;

public sealed class TokensPageTests : UiTestContext
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Operator = new("operator", "cli");

    private TokenService Tokens => Get<TokenService>();

    [Fact]
    public void ShowsLoadingUntilTheTokensArrive()
    {
        var held = new HeldDbContextFactory(Get<IDbContextFactory<SystemImageDbContext>>());
        Services.AddSingleton(ActivatorUtilities.CreateInstance<TokenService>(Data.Services, held));

        var page = RenderWhileLoading<TokensPage>();

        Assert.Equal("Loading tokens…", page.Find("[data-testid=loading]").TextContent);
        held.Release();
        page.WaitForAssertion(() => Assert.Equal("No tokens yet.", page.Find("[data-testid=tokens-empty]").TextContent));
    }

    [Fact]
    public async Task ShowsAnErrorWhenTheTokensCannotBeRead()
    {
        await Breakage.DropTableAsync(Data, "ApiTokens");

        var page = Render<TokensPage>();

        Assert.Contains($"Could not load the tokens: {Breakage.MissingTable("ApiTokens")}", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ListsTokensWithRolePrefixCreatorExpiryAndStatus()
    {
        var (_, ci, _) = await Tokens.CreateAsync("ci", Role.Publisher, new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), Operator, None);
        var (_, old, _) = await Tokens.CreateAsync("old", Role.Viewer, null, Operator, None);
        await Tokens.RevokeAsync(old!.Id, Operator, None);

        var page = Render<TokensPage>();

        var cells = page.FindAll($"[data-testid=token-{ci!.Id}] td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["ci", "publisher", $"{ci.Prefix}…", "operator (cli)"], cells.Take(4));
        Assert.Equal(["2099-01-01 00:00:00", "never", "active", "Revoke"], cells.Skip(5));
        Assert.StartsWith("revoked", page.Find($"[data-testid=token-{old.Id}] [data-testid=token-status]").TextContent);
        Assert.Empty(page.FindAll($"[data-testid=token-{old.Id}] button"));
    }

    [Fact]
    public async Task ShowsANewTokensSecretOnceAndTheSecretWorks()
    {
        var page = Render<TokensPage>();

        await page.Find("#token-name").ChangeAsync("release bot");
        await page.Find("#token-role").ChangeAsync(nameof(Role.Publisher));
        await page.Find("#token-expiry").ChangeAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"));
        await page.Find("form").SubmitAsync();

        var secret = page.WaitForElement("[data-testid=token-secret]").GetAttribute("value")!;
        Assert.StartsWith(TokenService.SecretPrefix, secret);
        Assert.Contains("will not be shown again", page.Find("[data-testid=new-token]").TextContent);
        Assert.Matches(@"^Created token \d+ 'release bot' \(publisher\)\.$", page.Find("p.notice.ok").TextContent);
        var token = await Tokens.AuthenticateAsync(secret, None);
        Assert.Equal(("release bot", "publisher"), (token!.Name, token.Role));
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)), DateOnly.FromDateTime(token.ExpiresAt!.Value.UtcDateTime));
        Assert.Equal("active", page.Find($"[data-testid=token-{token.Id}] [data-testid=token-status]").TextContent);
        Assert.Equal("", page.Find("#token-name").GetAttribute("value"));

        await page.Find("button:contains('Done')").ClickAsync();
        Assert.DoesNotContain(secret, page.Markup);
        Assert.DoesNotContain(secret, Render<TokensPage>().Markup); // nor when the page is opened again
    }

    [Fact]
    public async Task CopiesTheSecretToTheClipboardOrSaysCopyingFailed()
    {
        var page = Render<TokensPage>();
        await page.Find("#token-name").ChangeAsync("ci");
        await page.Find("form").SubmitAsync();
        var secret = page.WaitForElement("[data-testid=token-secret]").GetAttribute("value")!;

        var copy = JSInterop.SetupVoid("navigator.clipboard.writeText", secret);
        copy.SetVoidResult();
        await page.Find("button:contains('Copy secret')").ClickAsync();
        Assert.Equal("Copied", page.Find("[data-testid=new-token] .secret button").TextContent);

        JSInterop.SetupVoid("navigator.clipboard.writeText", secret).SetException(new JSException("Write permission denied."));
        await page.Find("button:contains('Copied')").ClickAsync();
        Assert.Contains("Copying failed", page.Find("[data-testid=new-token] [role=alert].field-error").TextContent);
    }

    [Fact]
    public async Task RefusesAnExpiryThatIsNotInTheFutureWithCoresMessage()
    {
        var page = Render<TokensPage>();

        await page.Find("#token-name").ChangeAsync("ci");
        await page.Find("#token-expiry").ChangeAsync(DateTime.UtcNow.ToString("yyyy-MM-dd"));
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Matches("^The expiry .* is not in the future\\.$", page.Find("p.notice.error").TextContent));
        Assert.Empty(page.FindAll("[data-testid=new-token]"));
        Assert.Empty(await Tokens.ListAsync(None));
    }

    [Fact]
    public async Task AsksForANameBeforeCreatingAnything()
    {
        var page = Render<TokensPage>();

        await page.Find("form").SubmitAsync();

        Assert.Equal("A token needs a name.", page.Find(".validation-message").TextContent);
        Assert.Empty(await Tokens.ListAsync(None));
    }

    [Fact]
    public async Task RevokesATokenAfterConfirmation()
    {
        var (_, token, secret) = await Tokens.CreateAsync("ci", Role.Publisher, null, Operator, None);
        var page = Render<TokensPage>();

        await page.Find("button[aria-label='Revoke token ci']").ClickAsync();
        Assert.Equal("Revoke token 'ci'?", page.Find("[role=dialog] h2").TextContent);
        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal($"Revoked token {token!.Id} 'ci'.", page.Find("p.notice.ok").TextContent));
        Assert.StartsWith("revoked", page.Find($"[data-testid=token-{token!.Id}] [data-testid=token-status]").TextContent);
        Assert.Null(await Tokens.AuthenticateAsync(secret!, None));
    }

    [Fact]
    public async Task RefusesToRevokeWhenTheRoleNoLongerAllowsIt()
    {
        var (_, _, secret) = await Tokens.CreateAsync("ci", Role.Publisher, null, Operator, None);
        var page = Render<TokensPage>();
        await page.Find("button[aria-label='Revoke token ci']").ClickAsync();
        SignInAs("tester", Role.Publisher);

        await page.Find("[role=dialog] button.danger").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("Only admins may revoke tokens.", page.Find("p.notice.error").TextContent));
        Assert.NotNull(await Tokens.AuthenticateAsync(secret!, None));
    }

    [Fact]
    public async Task APublisherCannotOpenTheTokensPage()
    {
        await Tokens.CreateAsync("ci", Role.Admin, null, Operator, None);
        SignInAs("paula", Role.Publisher);
        Auth.SetPolicies(Policies.Viewer, Policies.Publisher);
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo(AdminRoutes.Tokens);

        var app = Render<Routes>();

        app.WaitForAssertion(() => Assert.Equal("Your role does not allow this page.", app.Find("[role=alert]").TextContent));
        Assert.Empty(app.FindAll("table"));

        var page = Render<TokensPage>(); // and the page itself lists nothing to a publisher
        Assert.Equal("Could not load the tokens: only admins may see tokens.", page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll("table"));
    }
}
