using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Core.Adoption;

/// <summary>Reads the counted downloads back, summed per day (UTC) and version.</summary>
public sealed class DownloadQueries(IDbContextFactory<SystemImageDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The longest span one query covers.</summary>
    public const int MaxDays = 366;

    /// <summary>Days counted when no start is given: the last 30 up to <c>to</c>.</summary>
    public const int DefaultDays = 30;

    /// <summary>
    /// The channel's downloads from <paramref name="from"/> to <paramref name="to"/> (default: the last 30 days up to
    /// today), optionally of one device; null when the channel does not exist.
    /// </summary>
    public async Task<ChannelDownloads?> ForChannelOrNullAsync(
        string channel, DateOnly? from, DateOnly? to, string? device, CancellationToken cancellationToken)
    {
        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // A span longer than MaxDays keeps its last MaxDays days.
        var first = from is { } f && last.DayNumber - f.DayNumber < MaxDays ? f : last.AddDays(1 - (from is null ? DefaultDays : MaxDays));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Channels.AnyAsync(c => c.Name == channel, cancellationToken))
        {
            return null;
        }

        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var query = db.DownloadCounts.AsNoTracking().Where(d => d.Channel == channel && d.HourStart >= start && d.HourStart < end);
        if (device is not null)
        {
            query = query.Where(d => d.Device == device);
        }

        var rows = await query.Select(d => new Row(d.Device, d.HourStart, d.Version, d.Kind, d.Count)).ToListAsync(cancellationToken);
        var devices = rows.GroupBy(r => r.Device, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DeviceDownloads(g.Key, Daily(g)))
            .ToList();
        return new ChannelDownloads(channel, first, last, Daily(rows), devices);
    }

    /// <summary>Reads a day written <c>yyyy-MM-dd</c>; no text is no day (the query's default).</summary>
    public static bool TryParseDay(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        day = parsed;
        return true;
    }

    /// <summary>Whether a query can cover from <paramref name="from"/> to <paramref name="to"/>: in order, at most <see cref="MaxDays"/> days.</summary>
    public static bool IsSpan(DateOnly? from, DateOnly? to) =>
        from is not { } f || to is not { } l || (f <= l && l.DayNumber - f.DayNumber < MaxDays);

    private static List<DailyDownloads> Daily(IEnumerable<Row> rows) =>
    [
        .. rows.GroupBy(r => (Day: DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(r.HourStart).UtcDateTime), r.Version))
            .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Version)
            .Select(g => new DailyDownloads(
                g.Key.Day,
                g.Key.Version,
                g.Where(r => r.Kind == DownloadKind.Full).Sum(r => r.Count),
                g.Where(r => r.Kind == DownloadKind.Delta).Sum(r => r.Count),
                g.Where(r => r.Kind == DownloadKind.CheckIn).Sum(r => r.Count))),
    ];

    private sealed record Row(string Device, long HourStart, int Version, DownloadKind Kind, long Count);
}
