using Cronos;

namespace SystemImage.Core.Importing;

/// <summary>Cron expressions as the recurring jobs read them: 5 fields, or 6 with seconds first; macros such as <c>@daily</c>.</summary>
public static class CronSchedule
{
    /// <summary>A one-line reason why <paramref name="expression"/> is not a cron expression, or null.</summary>
    public static string? Validate(string expression) => TryParse(expression, out var error) is null ? error : null;

    /// <summary>The next <paramref name="count"/> times after <paramref name="from"/>, in UTC; empty for a bad expression.</summary>
    public static IReadOnlyList<DateTimeOffset> Next(string expression, DateTimeOffset from, int count)
    {
        var cron = TryParse(expression, out _);
        var result = new List<DateTimeOffset>();
        var at = from;
        while (cron is not null && result.Count < count && cron.GetNextOccurrence(at, TimeZoneInfo.Utc) is { } next)
        {
            result.Add(next);
            at = next;
        }

        return result;
    }

    private static CronExpression? TryParse(string expression, out string? error)
    {
        error = null;
        var trimmed = expression.Trim();
        if (trimmed.Length == 0)
        {
            error = "the cron expression is empty";
            return null;
        }

        var format = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        try
        {
            return CronExpression.Parse(trimmed, format);
        }
        catch (CronFormatException e)
        {
            error = $"'{expression}' is not a valid cron expression: {e.Message.TrimEnd('.')}";
            return null;
        }
    }
}
