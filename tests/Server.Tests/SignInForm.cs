using System.Net;
using System.Text.RegularExpressions;

namespace SystemImage.Server.Tests;

/// <summary>The admin UI's sign-in form as a browser posts it: read the page for its anti-forgery token, then post.</summary>
internal static partial class SignInForm
{
    /// <summary>Signs <paramref name="name"/> in on <paramref name="browser"/> (a client with a cookie container and no redirects).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string name, string password, bool withToken = true) =>
        await (await PrepareAsync(browser, name, password, withToken))();

    /// <summary>Reads the form (its anti-forgery token); the returned step posts it.</summary>
    public static async Task<Func<Task<HttpResponseMessage>>> PrepareAsync(HttpClient browser, string name, string password, bool withToken = true)
    {
        var form = await browser.GetStringAsync(new Uri("/admin/sign-in", UriKind.Relative));
        var fields = new Dictionary<string, string> { ["_handler"] = "sign-in", ["name"] = name, ["password"] = password, ["returnUrl"] = "/admin" };
        if (withToken)
        {
            var token = AntiforgeryField().Match(form);
            fields[token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value);
        }

        return () => browser.PostAsync(new Uri("/admin/sign-in", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>The hidden anti-forgery field of a form page.</summary>
    [GeneratedRegex("""name="(?<name>__RequestVerificationToken[^"]*)" value="(?<value>[^"]+)""")]
    public static partial Regex AntiforgeryField();
}
