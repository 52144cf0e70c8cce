using Bunit;
using SystemImage.Admin.Ui.Adoption;
using SystemImage.Admin.Ui.Devices;
using SystemImage.Core.Adoption;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Adoption;

/// <summary>The downloads chart: server-rendered SVG with a title, a description and a table of the same numbers.</summary>
public sealed class DownloadsChartTests : UiTestContext
{
    private static readonly DateOnly From = new(2026, 12, 1);
    private static readonly DateOnly To = new(2026, 12, 7);

    private IRenderedComponent<DownloadsChart> RenderChart(params DailyDownloads[] days) => Render<DownloadsChart>(p => p
        .Add(c => c.Days, days).Add(c => c.From, From).Add(c => c.To, To).Add(c => c.Title, "Downloads of mako in stable"));

    [Fact]
    public void BarsAreStackedPerVersionPerDayWithAnAccessibleNameAndATable()
    {
        var chart = RenderChart(
            new DailyDownloads(new DateOnly(2026, 12, 2), 1, 3, 0, 10),
            new DailyDownloads(new DateOnly(2026, 12, 2), 2, 1, 4, 2),
            new DailyDownloads(new DateOnly(2026, 12, 5), 2, 0, 6, 1));

        var svg = chart.Find("svg");
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("downloads-title downloads-desc", svg.GetAttribute("aria-labelledby"));
        Assert.Equal("Downloads of mako in stable", chart.Find("svg > title").TextContent);
        Assert.Contains("4 full, 10 delta, 13 check-ins", chart.Find("svg > desc").TextContent);
        var bars = chart.FindAll("rect.bar");
        Assert.Equal(3, bars.Count);
        Assert.Equal("2026-12-02, version 2: 1 full, 4 delta", bars[1].QuerySelector("title")!.TextContent);
        // The tallest day (5 + 6 is not one day: 3 + 5 = 8 on the 2nd) reaches the top of the plot.
        Assert.Equal("8", chart.FindAll("svg text")[0].TextContent);
        Assert.Equal(["version 1", "version 2"], chart.FindAll(".legend-item").Select(e => e.TextContent.Trim()));
        Assert.Equal(3, chart.FindAll("details table tbody tr").Count);
        Assert.Equal(["12-01", "12-04", "12-07"], chart.FindAll("svg text").Skip(2).Select(e => e.TextContent));
    }

    [Fact]
    public void NoDownloadsDrawsAxesOnlyAndSaysSo()
    {
        var chart = RenderChart();

        Assert.Empty(chart.FindAll("rect"));
        Assert.Empty(chart.FindAll(".legend-item"));
        Assert.Contains("No downloads or check-ins", chart.Find("details").TextContent);
    }

    [Fact]
    public async Task TheDevicePageDrawsTheDevicesCountedDownloads()
    {
        await ChannelAsync("stable", "mako");
        await PublishAsync("stable", "mako", 1);
        var pool = Images("stable", "mako")[0]!["files"]![0]!["path"]!.GetValue<string>();
        Get<DownloadCounter>().Count(pool);
        Get<DownloadCounter>().Count("/stable/mako/index.json");
        await Get<DownloadFlusher>().FlushAsync(CancellationToken.None);

        var page = Render<DevicePage>(p => p.Add(x => x.ChannelSegment, "stable").Add(x => x.DeviceSegment, "mako"));

        page.WaitForElement("[data-testid=downloads-chart] rect.bar", TimeSpan.FromSeconds(30));
        Assert.Contains("version 1: 1 full, 0 delta", page.Find("rect.bar title").TextContent);
        Assert.Contains("1 check-ins", page.Find("svg desc").TextContent);
    }
}
