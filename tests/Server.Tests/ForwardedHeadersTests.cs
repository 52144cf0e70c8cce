using System.Net;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Behind a trusted TLS proxy (configured in <c>SystemImage:Server:ForwardedHeaders</c>) the server sees https, the
/// public host and the client's address: the sign-in cookie is <c>Secure</c> and redirects say <c>https://</c>. A
/// server without trusted proxies ignores the headers (<see cref="SignInTests"/>).
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ForwardedHeadersTests(GuardedServer server) : IClassFixture<GuardedServer>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task BehindATrustedTlsProxyTheCookiesAreSecureAndRedirectsSayHttps()
    {
        Assert.True((await server.Get<UserService>().AddAsync("proxied", Role.Viewer, Password, new Actor("tests", "cli"), default)).Succeeded);
        // The browser speaks https to the proxy; this client speaks http to the server, so it carries the Secure cookies itself.
        using var browser = Behind(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress });

        var challenge = await browser.GetAsync(new Uri("/admin/channels", UriKind.Relative));
        var form = await browser.GetAsync(new Uri("/admin/sign-in", UriKind.Relative));
        var antiforgery = SetCookie(form, "systemimage-antiforgery");
        var token = SignInForm.AntiforgeryField().Match(await form.Content.ReadAsStringAsync());
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "sign-in",
                ["name"] = "proxied",
                ["password"] = Password,
                [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            }),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var signedIn = await browser.SendAsync(post);

        Assert.StartsWith("https://updates.example.org/admin/sign-in?ReturnUrl=", challenge.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("https://updates.example.org/admin", signedIn.Headers.Location!.AbsoluteUri);
        var cookie = SetCookie(signedIn, "systemimage");
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var session = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin", UriKind.Relative));
        session.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(session)).StatusCode);
    }

    [Fact]
    public async Task WithoutForwardedHeadersTheServerAnswersForItself()
    {
        Assert.True((await server.Get<UserService>().AddAsync("direct", Role.Viewer, Password, new Actor("tests", "cli"), default)).Succeeded);
        using var browser = AccountForm.Browser(server.BaseAddress);

        var signedIn = await SignInForm.PostAsync(browser, "direct", Password);

        Assert.StartsWith("http://127.0.0.1:", signedIn.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("; secure", signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("systemimage=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    /// <summary>The headers a TLS proxy for https://updates.example.org adds in front of the server.</summary>
    public static HttpClient Behind(HttpClient client)
    {
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "updates.example.org");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        return client;
    }
}
