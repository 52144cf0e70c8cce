using System.Globalization;
using System.Text.RegularExpressions;

namespace SystemImage.Core.Adoption;

/// <summary>One request of an nginx <c>combined</c> access log: time, method, path (no query, percent-decoded), status and body bytes.</summary>
public sealed partial record AccessLogLine(DateTimeOffset At, string Method, string Path, int Status, long BodyBytes)
{
    /// <summary>
    /// Parses <c>$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"</c>;
    /// null for a line of another shape.
    /// </summary>
    public static AccessLogLine? ParseOrNull(string line)
    {
        var match = Combined().Match(line);
        if (!match.Success)
        {
            return null;
        }

        // nginx writes the offset as +0000; .NET reads +00:00.
        var time = match.Groups["time"].Value;
        if (time.Length < 5 || !DateTimeOffset.TryParseExact(
                time[..^2] + ":" + time[^2..], "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return null;
        }

        var target = match.Groups["target"].Value;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(query < 0 ? target : target[..query]);
        var bytes = match.Groups["bytes"].Value == "-" ? 0 : long.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture);
        return new AccessLogLine(at, match.Groups["method"].Value, path, int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture), bytes);
    }

    [GeneratedRegex("""^\S+ \S+ .*?\[(?<time>[^\]]+)\] "(?<method>[A-Z]+) (?<target>\S+)(?: [^"]*)?" (?<status>\d{3}) (?<bytes>\d+|-)""", RegexOptions.CultureInvariant)]
    private static partial Regex Combined();
}
