using System.Globalization;
using SystemImage.Core.Adoption;

namespace SystemImage.Admin.Ui.Adoption;

/// <summary>
/// Geometry of the downloads chart: one bar per day from the first day to the last, stacked by version (full and delta
/// downloads), in SVG user units.
/// </summary>
public sealed class DownloadsChartLayout
{
    public const double Width = 640;
    public const double Height = 200;
    public const double Left = 40;
    public const double Bottom = 22;
    public const double Top = 8;

    private DownloadsChartLayout(IReadOnlyList<int> versions, IReadOnlyList<Segment> segments, long max, IReadOnlyList<(double X, string Text)> dayLabels)
    {
        Versions = versions;
        Segments = segments;
        Max = max;
        DayLabels = dayLabels;
    }

    /// <summary>Versions in the chart, oldest first; a version's colour is its place here (modulo the palette).</summary>
    public IReadOnlyList<int> Versions { get; }

    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>The highest daily total: the top of the y axis.</summary>
    public long Max { get; }

    /// <summary>The first, middle and last day under the x axis.</summary>
    public IReadOnlyList<(double X, string Text)> DayLabels { get; }

    public static double PlotBottom => Height - Bottom;

    public static DownloadsChartLayout Of(IReadOnlyList<DailyDownloads> days, DateOnly from, DateOnly to)
    {
        var count = Math.Max(1, to.DayNumber - from.DayNumber + 1);
        var slot = (Width - Left) / count;
        var versions = days.Where(d => d.Downloads > 0).Select(d => d.Version).Distinct().Order().ToList();
        var max = Math.Max(1, days.GroupBy(d => d.Day).Select(g => g.Sum(d => d.Downloads)).DefaultIfEmpty(0).Max());
        var scale = (PlotBottom - Top) / max;
        var segments = new List<Segment>();
        foreach (var day in days.Where(d => d.Downloads > 0).GroupBy(d => d.Day))
        {
            var x = Left + ((day.Key.DayNumber - from.DayNumber) * slot) + (slot * 0.1);
            var y = PlotBottom;
            foreach (var version in day.OrderBy(d => d.Version))
            {
                var height = version.Downloads * scale;
                y -= height;
                segments.Add(new Segment(x, y, slot * 0.8, height, versions.IndexOf(version.Version), version));
            }
        }

        var labels = new[] { 0, (count - 1) / 2, count - 1 }.Distinct()
            .Select(i => (Left + (i * slot) + (slot / 2), from.AddDays(i).ToString("MM-dd", CultureInfo.InvariantCulture)))
            .ToList();
        return new DownloadsChartLayout(versions, segments, max, labels);
    }

    /// <summary>One version's downloads on one day, <see cref="Colour"/> being the version's place in <see cref="Versions"/>.</summary>
    public sealed record Segment(double X, double Y, double Width, double Height, int Colour, DailyDownloads Day)
    {
        public string Label => string.Create(CultureInfo.InvariantCulture, $"{Day.Day:yyyy-MM-dd}, version {Day.Version}: {Day.Full} full, {Day.Delta} delta");
    }
}
