using System.Net;
using System.Net.Http.Json;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Sign-in cookies end with their session: a copy of the cookie taken before a sign-out, password change, role change,
/// disabling or removal is refused at its next request; a one-time password opens nothing but the password page.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class SessionTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string Password = "correct horse battery staple";
    private static readonly Uri Home = new("/admin", UriKind.Relative);
    private readonly Dictionary<HttpClient, CookieContainer> _cookies = [];

    [Fact]
    public async Task ACopiedCookieIsRefusedOnceItsUserSignsOut()
    {
        await AddAsync("sam", Role.Publisher);
        using var browser = await SignedInAsync("sam");
        using var copy = Copy(browser);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(Home)).StatusCode);

        var signedOut = await SignOutAsync(browser);

        Assert.Equal("/admin/sign-in", AccountForm.Target(server.BaseAddress, signedOut));
        await AssertSignedOutAsync(copy);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task ChangingThePasswordEndsTheOtherSessionsAndKeepsThisOne()
    {
        await AddAsync("tina", Role.Viewer);
        using var browser = await SignedInAsync("tina");
        using var copy = Copy(browser);
        using var elsewhere = await SignedInAsync("tina");

        var changed = await AccountForm.PostAsync(browser, Password, "tina's brand new password");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Home)).StatusCode);
        await AssertSignedOutAsync(copy);
        await AssertSignedOutAsync(elsewhere);
        using var stranger = AccountForm.Browser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInForm.PostAsync(stranger, "tina", Password)).StatusCode);
    }

    [Fact]
    public async Task AWrongCurrentPasswordOrAMismatchChangesNothing()
    {
        await AddAsync("uma", Role.Viewer);
        using var browser = await SignedInAsync("uma");

        var wrong = await AccountForm.PostAsync(browser, "not the password", "uma's brand new password");
        var mismatch = await AccountForm.PostAsync(browser, Password, "uma's brand new password", repeat: "uma's other password");
        var weak = await AccountForm.PostAsync(browser, Password, "short");

        Assert.All(new[] { wrong, mismatch, weak }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("The current password is wrong.", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("The two new passwords differ.", await mismatch.Content.ReadAsStringAsync());
        Assert.Contains("at least 12 characters", await weak.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Home)).StatusCode);
        using var again = AccountForm.Browser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostAsync(again, "uma", Password)).StatusCode);
    }

    [Fact]
    public async Task AnAdminsRoleChangeDisablingOrRemovalEndsTheUsersSessionsAtOnce()
    {
        await AddAsync("vic", Role.Publisher);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        using (var browser = await SignedInAsync("vic"))
        {
            Assert.True((await admin.PatchAsJsonAsync("/api/v1/users/vic", new { role = "viewer" })).IsSuccessStatusCode);
            await AssertSignedOutAsync(browser);
        }

        using (var browser = await SignedInAsync("vic"))
        {
            AdminPages.AssertSignedIn(await browser.GetStringAsync(Home), "vic", "viewer");
            Assert.True((await admin.PatchAsJsonAsync("/api/v1/users/vic", new { disabled = true })).IsSuccessStatusCode);
            await AssertSignedOutAsync(browser);
            Assert.True((await admin.PatchAsJsonAsync("/api/v1/users/vic", new { disabled = false })).IsSuccessStatusCode);
            await AssertSignedOutAsync(browser);
        }

        using (var browser = await SignedInAsync("vic"))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("/api/v1/users/vic", UriKind.Relative))).StatusCode);
            await AssertSignedOutAsync(browser);
        }
    }

    [Fact]
    public async Task AOneTimePasswordOpensNothingButThePasswordPage()
    {
        Assert.True((await server.Get<UserService>().AddAsync("wes", Role.Admin, Password, new Actor("tests", "cli"), CancellationToken.None, mustChangePassword: true)).Succeeded);
        using var browser = await SignedInAsync("wes");
        using var token = await ApiClient.WithRoleAsync(server, Role.Admin);

        foreach (var page in new[] { "/admin", "/admin/users", "/admin/jobs", "/admin/api/", "/openapi/v1.json" })
        {
            var response = await browser.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal($"/admin/account?returnUrl={Uri.EscapeDataString(page)}", AccountForm.Target(server.BaseAddress, response));
        }

        var circuit = await browser.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, circuit.StatusCode);
        Assert.Contains("one-time password", await circuit.Content.ReadAsStringAsync());
        var account = await browser.GetStringAsync(new Uri("/admin/account", UriKind.Relative));
        Assert.Contains("data-testid=\"must-change\"", account);
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);

        var changed = await AccountForm.PostAsync(browser, Password, "wes's own password", returnUrl: "/admin/users");

        Assert.Equal("/admin/users", AccountForm.Target(server.BaseAddress, changed));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/admin/users", UriKind.Relative))).StatusCode);
        Assert.False((await server.Get<UserService>().GetOrNullAsync("wes", CancellationToken.None))!.MustChangePassword);
    }

    private async Task AddAsync(string name, Role role) =>
        Assert.True((await server.Get<UserService>().AddAsync(name, role, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);

    private async Task<HttpClient> SignedInAsync(string name)
    {
        var cookies = new CookieContainer();
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        _cookies[browser] = cookies;
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.PostAsync(browser, name, Password)).StatusCode);
        return browser;
    }

    /// <summary>Another client that sends the cookies <paramref name="browser"/> holds now, as a thief who copied them would.</summary>
    private HttpClient Copy(HttpClient browser)
    {
        var cookies = _cookies[browser].GetCookieHeader(server.BaseAddress);
        var copy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        copy.DefaultRequestHeaders.Add("Cookie", cookies);
        return copy;
    }

    /// <summary>Posts the layout's sign-out form, with the anti-forgery token of the page it is on.</summary>
    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync(Home);
        var token = SignInForm.AntiforgeryField().Match(page);
        Assert.True(token.Success, "no sign-out form on the page");
        return await browser.PostAsync(new Uri("/admin/sign-out", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value) }));
    }

    private async Task AssertSignedOutAsync(HttpClient client)
    {
        var response = await client.GetAsync(Home);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/sign-in", AccountForm.Target(server.BaseAddress, response), StringComparison.Ordinal);
    }
}
