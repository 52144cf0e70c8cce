using System.IO.Compression;
using SystemImage.Core.Adoption;
using Xunit;

namespace SystemImage.Core.Tests.Adoption;

/// <summary><c>ingest-access-log</c>'s service: nginx combined logs, plain or gzipped, read again without counting twice.</summary>
public sealed class AccessLogIngestTests : IAsyncLifetime
{
    private AdoptionFixture _f = null!;

    public async Task InitializeAsync() => _f = await AdoptionFixture.CreateAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private long Size(string path) => new FileInfo(_f.Data.File(path)).Length;

    private static string Line(string time, string request, int status, long bytes) =>
        $"""203.0.113.7 - - [{time} +0000] "{request} HTTP/1.1" {status} {bytes} "-" "python-pycurl/7.45" """.TrimEnd();

    private List<string> Lines(string prefix = "")
    {
        var mako = _f.DeviceFile("mako", 2);
        var floDelta = _f.DeviceFile("flo", 2, deltaBase: 1);
        return
        [
            Line("05/Dec/2026:10:15:00", $"GET {prefix}/stable/mako/index.json", 200, 900),
            Line("05/Dec/2026:10:15:01", $"HEAD {prefix}{mako}", 200, 0),
            Line("05/Dec/2026:10:15:02", $"GET {prefix}{mako}", 200, Size(mako)),
            Line("05/Dec/2026:10:16:00", $"GET {prefix}{mako}?x=1", 206, 100),
            Line("05/Dec/2026:10:17:00", $"GET {prefix}{mako}", 200, Size(mako) - 1),
            Line("05/Dec/2026:11:00:00", $"GET {prefix}{floDelta}", 200, Size(floDelta)),
            Line("05/Dec/2026:11:00:01", $"GET {prefix}/stable/flo/nothing.tar.xz", 404, 153),
            "a line of another format",
        ];
    }

    private string WriteLog(string name, IEnumerable<string> lines, bool gzip)
    {
        var path = Path.Combine(_f.Images.Inputs, name);
        using var file = File.Create(path);
        using Stream output = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(output);
        foreach (var line in lines)
        {
            writer.Write(line + "\n");
        }

        return path;
    }

    private Task<IngestResult> IngestAsync(string file, string? prefix = null) =>
        _f.Data.Get<AccessLogIngest>().IngestAsync(file, prefix, CancellationToken.None);

    private async Task<(long Full, long Delta, long CheckIns)> TotalsAsync()
    {
        var downloads = (await _f.Data.Get<DownloadQueries>().ForChannelOrNullAsync(
            "stable", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31), null, CancellationToken.None))!;
        return (downloads.Days.Sum(d => d.Full), downloads.Days.Sum(d => d.Delta), downloads.Days.Sum(d => d.CheckIns));
    }

    [Fact]
    public async Task AGzippedLogCountsWholeGetsAndCheckInsOnTheirDay()
    {
        var result = await IngestAsync(WriteLog("access.log.1.gz", Lines(), gzip: true));

        Assert.Equal((8L, 0L, 3L), (result.Lines, result.AlreadyIngested, result.Counted));
        Assert.Equal((1L, 1L, 1L), await TotalsAsync());
        var downloads = (await _f.Data.Get<DownloadQueries>().ForChannelOrNullAsync(
            "stable", new DateOnly(2026, 12, 5), new DateOnly(2026, 12, 5), "flo", CancellationToken.None))!;
        Assert.Equal(new DateOnly(2026, 12, 5), Assert.Single(downloads.Days).Day);
    }

    [Fact]
    public async Task TheSameLogReadAgainPlainOrGzippedCountsNothingMore()
    {
        await IngestAsync(WriteLog("access.log", Lines(), gzip: false));

        var again = await IngestAsync(WriteLog("access.log.1.gz", Lines(), gzip: true));

        Assert.Equal((8L, 8L, 0L), (again.Lines, again.AlreadyIngested, again.Counted));
        Assert.Equal((1L, 1L, 1L), await TotalsAsync());
    }

    [Fact]
    public async Task AGrownLogCountsOnlyItsNewLines()
    {
        await IngestAsync(WriteLog("access.log", Lines().Take(3), gzip: false));
        Assert.Equal((1L, 0L, 1L), await TotalsAsync());

        var grown = await IngestAsync(WriteLog("access.log", Lines(), gzip: false));

        Assert.Equal((8L, 3L, 1L), (grown.Lines, grown.AlreadyIngested, grown.Counted));
        Assert.Equal((1L, 1L, 1L), await TotalsAsync());
    }

    [Fact]
    public async Task ALogThatDiffersFromTheOneReadWithTheSameFirstLineIsRefused()
    {
        await IngestAsync(WriteLog("access.log", Lines().Take(3), gzip: false));
        var changed = Lines();
        changed[2] = Line("05/Dec/2026:10:15:02", "GET /stable/mako/index.json", 200, 900);

        await Assert.ThrowsAsync<InvalidOperationException>(() => IngestAsync(WriteLog("other.log", changed, gzip: false)));
        Assert.Equal((1L, 0L, 1L), await TotalsAsync());
    }

    [Fact]
    public async Task APrefixInFrontOfTheTreeIsStripped()
    {
        var result = await IngestAsync(WriteLog("prefixed.log", Lines("/system-image"), gzip: false), "system-image/");

        Assert.Equal(3, result.Counted);
    }
}
