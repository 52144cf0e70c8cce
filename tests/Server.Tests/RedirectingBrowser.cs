using System.Net;

namespace SystemImage.Server.Tests;

/// <summary>
/// A browser stand-in: keeps cookies and follows redirects one at a time (also to other ports of 127.0.0.1, such as
/// a test OpenID provider), recording each hop; it refuses to leave 127.0.0.1.
/// </summary>
public sealed class RedirectingBrowser(Uri baseAddress) : IDisposable
{
    private const int MaxHops = 10;

    private HttpClient? _http;

    public CookieContainer Cookies { get; } = new();

    /// <summary>The client behind the browser (same cookies, no automatic redirects), for requests of any kind.</summary>
    public HttpClient Http => _http ??= new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The value of the cookie <paramref name="name"/> the server set, or null.</summary>
    public string? CookieOrNull(string name) => Cookies.GetCookies(baseAddress)[name]?.Value;

    /// <summary>GETs <paramref name="path"/> and follows its redirects; the last answer and every URL requested.</summary>
    public async Task<(HttpResponseMessage Final, IReadOnlyList<Uri> Hops)> FollowAsync(string path) =>
        await FollowAsync(await Http.GetAsync(new Uri(path, UriKind.Relative)), new Uri(baseAddress, path));

    /// <summary>Follows the redirects of a response already received for <paramref name="requested"/>.</summary>
    public async Task<(HttpResponseMessage Final, IReadOnlyList<Uri> Hops)> FollowAsync(HttpResponseMessage response, Uri requested)
    {
        var hops = new List<Uri> { requested };
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.RedirectKeepVerb)
        {
            if (hops.Count > MaxHops)
            {
                throw new InvalidOperationException("Too many redirects: " + string.Join(" → ", hops));
            }

            var next = new Uri(hops[^1], response.Headers.Location!);
            if (next.Host != "127.0.0.1")
            {
                throw new InvalidOperationException($"Redirected off this machine, to {next}");
            }

            hops.Add(next);
            response.Dispose();
            response = await Http.GetAsync(next);
        }

        return (response, hops);
    }

    public void Dispose() => _http?.Dispose();
}
