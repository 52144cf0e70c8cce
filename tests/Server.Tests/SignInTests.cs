using System.Net;
using System.Text.RegularExpressions;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>Cookie sign-in with anti-forgery, the landing page, the API reference and the admin-only dashboard.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class SignInTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string Password = "correct horse battery staple";

    private HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = server.BaseAddress,
    };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password, bool withToken = true) =>
        SignInForm.PostAsync(browser, name, password, withToken);

    private async Task AddUserAsync(string name, Role role) =>
        Assert.True((await server.Get<UserService>().AddAsync(name, role, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);

    [Fact]
    public async Task PagesSendStrangersToSignIn()
    {
        using var browser = Browser();

        var response = await browser.GetAsync(new Uri("/admin", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/sign-in", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task TheOpenApiDocumentAnswersStrangersAsTheApiDoesNotWithTheSignInPage()
    {
        using var browser = Browser();

        var response = await browser.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordIsRefused()
    {
        await AddUserAsync("carol", Role.Admin);
        using var browser = Browser();

        var response = await SignInAsync(browser, "carol", "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong user name or password", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SignInNeedsTheAntiforgeryToken()
    {
        await AddUserAsync("dave", Role.Viewer);
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(browser, "dave", Password, withToken: false)).StatusCode);
    }

    [Fact]
    public async Task AnAdminSignsInAndSeesTheReferenceAndTheJobs()
    {
        await AddUserAsync("erin", Role.Admin);
        using var browser = Browser();

        var signedIn = await SignInAsync(browser, "erin", Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/admin", new Uri(server.BaseAddress, signedIn.Headers.Location!).PathAndQuery);
        var home = await browser.GetStringAsync(new Uri("/admin", UriKind.Relative));
        AdminPages.AssertSignedIn(home, "erin", "admin");
        Assert.Contains(">Tokens</a>", home);
        var openApi = await browser.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("\"/api/v1/channels\"", openApi);
        Assert.Contains("bearer", openApi);
        var reference = await browser.GetAsync(new Uri("/admin/api/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("System Image Server API", await reference.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task WithoutTrustedProxiesForwardedHeadersAreIgnored()
    {
        await AddUserAsync("gina", Role.Viewer);
        using var browser = ForwardedHeadersTests.Behind(Browser());

        var signedIn = await SignInAsync(browser, "gina", Password);

        Assert.StartsWith("http://127.0.0.1:", signedIn.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("; secure", signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("systemimage=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AdminPagesForbidFramingAndSniffingAndCarryAPolicyBlazorWorksUnder()
    {
        await AddUserAsync("hank", Role.Admin);
        using var browser = Browser();
        await SignInAsync(browser, "hank", Password);

        foreach (var page in new[] { "/admin/sign-in", "/admin", "/admin/users", "/admin/account" })
        {
            using var response = await browser.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertNoSniffingOrFraming(response);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("object-src 'none';", policy, StringComparison.Ordinal);
            Assert.EndsWith("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        }

        foreach (var page in new[] { "/admin/jobs", "/admin/api/" })
        {
            using var response = await browser.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertNoSniffingOrFraming(response);
            Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var api = await browser.GetAsync(new Uri("/api/v1/channels", UriKind.Relative));
        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task AViewerSeesNoJobsDashboard()
    {
        await AddUserAsync("frank", Role.Viewer);
        using var browser = Browser();
        await SignInAsync(browser, "frank", Password);

        var home = await browser.GetStringAsync(new Uri("/admin", UriKind.Relative));
        AdminPages.AssertSignedIn(home, "frank", "viewer");
        Assert.DoesNotContain(">Tokens</a>", home);
        Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task SignOutWithoutTheAntiforgeryTokenIsABadRequestThatEndsNothing()
    {
        await AddUserAsync("ivy", Role.Viewer);
        using var browser = Browser();
        await SignInAsync(browser, "ivy", Password);

        var response = await browser.PostAsync(new Uri("/admin/sign-out", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("anti-forgery token is missing or not valid", await response.Content.ReadAsStringAsync());
        AdminPages.AssertSignedIn(await browser.GetStringAsync(new Uri("/admin", UriKind.Relative)), "ivy", "viewer");
    }

    [Fact]
    public async Task ASignInFormWithMoreFieldsThanTheLimitIsABadRequest()
    {
        await AddUserAsync("jack", Role.Viewer);
        using var browser = Browser();
        var form = await browser.GetStringAsync(new Uri("/admin/sign-in", UriKind.Relative));
        var token = SignInForm.AntiforgeryField().Match(form);
        var fields = new List<KeyValuePair<string, string>>
        {
            new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value)),
            new("_handler", "sign-in"),
            new("name", "jack"),
            new("password", Password),
        };
        fields.AddRange(Enumerable.Range(0, 40).Select(i => new KeyValuePair<string, string>($"extra{i}", "x")));

        var response = await browser.PostAsync(new Uri("/admin/sign-in", UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
    }

    private static void AssertNoSniffingOrFraming(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }
}
