using System.Globalization;

namespace SystemImage.Core.Rollouts;

/// <summary>
/// When a rollout's steps may run: weekdays and an hour range in UTC, written <c>Mon-Fri 08-17</c> (from 08:00 to
/// 17:00), <c>Sat,Sun</c> (all day) or <c>22-06</c> (every day, across midnight).
/// </summary>
public sealed record RolloutWindow(IReadOnlySet<DayOfWeek> Days, int FromHour, int ToHour)
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>Reads a window; the error says what is wrong.</summary>
    public static (RolloutWindow? Window, string? Error) Parse(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const string Shape = "Write the window as DAYS HOURS in UTC, e.g. 'Mon-Fri 08-17', 'Sat,Sun' or '22-06'.";
        if (parts.Length is 0 or > 2)
        {
            return (null, Shape);
        }

        HashSet<DayOfWeek> days = [.. Enum.GetValues<DayOfWeek>()];
        var (from, to) = (0, 24);
        foreach (var part in parts)
        {
            if (char.IsDigit(part[0]))
            {
                var hours = part.Split('-');
                if (hours.Length != 2 || !Hour(hours[0], out from) || !Hour(hours[1], out to) || from == to || from == 24)
                {
                    return (null, $"'{part}' is not an hour range HH-HH (00 to 24, e.g. 08-17). {Shape}");
                }
            }
            else if (ParseDays(part) is { } parsed)
            {
                days = parsed;
            }
            else
            {
                return (null, $"'{part}' is not a list or range of weekdays (Mon, Tue, Wed, Thu, Fri, Sat, Sun). {Shape}");
            }
        }

        return (new RolloutWindow(days, from, to), null);
    }

    /// <summary>Whether a step may run at <paramref name="at"/>.</summary>
    public bool IsOpen(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        if (FromHour < ToHour)
        {
            return Days.Contains(utc.DayOfWeek) && utc.Hour >= FromHour && utc.Hour < ToHour;
        }

        // Across midnight: the hours after midnight belong to the day before.
        return utc.Hour >= FromHour ? Days.Contains(utc.DayOfWeek) : utc.Hour < ToHour && Days.Contains(utc.AddDays(-1).DayOfWeek);
    }

    /// <summary>The next time from <paramref name="at"/> on (that hour or later) when the window is open, within a week.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset at)
    {
        var hour = new DateTimeOffset(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour), TimeSpan.Zero);
        for (var i = 0; i <= 24 * 8; i++)
        {
            var candidate = i == 0 ? at : hour.AddHours(i);
            if (IsOpen(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool Hour(string text, out int hour) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out hour) && hour <= 24;

    private static HashSet<DayOfWeek>? ParseDays(string text)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var item in text.Split(','))
        {
            var range = item.Split('-');
            var ends = range.Select(Day).ToList();
            if (range.Length > 2 || ends.Any(e => e is null))
            {
                return null;
            }

            for (var day = ends[0]!.Value; ; day = (DayOfWeek)(((int)day + 1) % 7))
            {
                days.Add(day);
                if (day == ends[^1]!.Value)
                {
                    break;
                }
            }
        }

        return days;
    }

    private static DayOfWeek? Day(string text)
    {
        var index = Array.FindIndex(DayNames, d => d.Equals(text, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : (DayOfWeek)index;
    }
}
