namespace SystemImage.Core.Generators;

/// <summary>The URLs the HTTP generators accept: absolute <c>http</c> or <c>https</c> with a host.</summary>
public static class HttpUrls
{
    /// <summary>A one-line reason why <paramref name="text"/> is not an http(s) URL with a host, or null.</summary>
    public static string? Validate(string? text, string what = "URL")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"the {what} is empty";
        }

        if (text.Any(char.IsControl) || text.Any(char.IsWhiteSpace))
        {
            return $"the {what} '{Shown(text)}' contains spaces or control characters";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"the {what} '{Shown(text)}' is not an http or https URL";
        }

        return string.IsNullOrEmpty(uri.Host) ? $"the {what} '{Shown(text)}' has no host" : null;
    }

    /// <summary>Parses a URL that <see cref="Validate"/> accepts.</summary>
    /// <exception cref="GeneratorException">It does not.</exception>
    public static Uri Parse(string text, string what = "URL") =>
        Validate(text, what) is { } error ? throw new GeneratorException(error) : new Uri(text, UriKind.Absolute);

    /// <summary><paramref name="uri"/> without its user information (a password must not reach a log or a sidecar).</summary>
    public static string Redact(Uri uri) =>
        string.IsNullOrEmpty(uri.UserInfo) ? uri.ToString() : new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString();

    private static string Shown(string text) =>
        string.Concat(text.Take(200).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
