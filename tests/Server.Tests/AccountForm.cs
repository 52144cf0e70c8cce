using System.Net;

namespace SystemImage.Server.Tests;

/// <summary>The admin UI's password form as a browser posts it: read the page for its anti-forgery token, then post.</summary>
internal static class AccountForm
{
    /// <summary>Changes the signed-in user's password on <paramref name="browser"/> (a client with a cookie container and no redirects).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string current, string replacement, string? repeat = null, string? returnUrl = null)
    {
        var page = await browser.GetAsync(new Uri("/admin/account", UriKind.Relative));
        var form = await page.Content.ReadAsStringAsync();
        var token = SignInForm.AntiforgeryField().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException($"The password page ({(int)page.StatusCode}) has no form: {form}");
        }

        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["current"] = current,
            ["replacement"] = replacement,
            ["repeat"] = repeat ?? replacement,
            ["returnUrl"] = returnUrl ?? "",
            [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        };
        return await browser.PostAsync(new Uri("/admin/account", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>Where a redirect leads, as a path and query on <paramref name="baseAddress"/>; null for no redirect.</summary>
    public static string? Target(Uri baseAddress, HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(baseAddress, location).PathAndQuery : null;

    /// <summary>A browser-like client of <paramref name="baseAddress"/>: its own cookies, redirects not followed.</summary>
    public static HttpClient Browser(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };
}
