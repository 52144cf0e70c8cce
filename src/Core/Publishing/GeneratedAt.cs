using System.Globalization;

namespace SystemImage.Core.Publishing;

/// <summary>The <c>global.generated_at</c> stamp, formatted like <c>Thu Nov 26 12:00:00 UTC 2026</c> (literal UTC).</summary>
public static class GeneratedAt
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);
}
