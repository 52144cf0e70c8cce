using System.IO.Compression;
using Xunit;

namespace SystemImage.Server.Tests.Adoption;

/// <summary>
/// The <c>ingest-access-log</c> verb as operators run it: a gzipped log, read twice, counted once; <c>downloads</c> then
/// shows the count per version.
/// </summary>
public sealed class IngestAccessLogVerbTests : IAsyncLifetime
{
    private readonly ServerProcess _data = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task AGzippedLogReadTwiceIsCountedOnce()
    {
        Assert.Equal(0, (await _data.RunVerbAsync("create-channel", "stable")).ExitCode);
        Assert.Equal(0, (await _data.RunVerbAsync("create-device", "stable", "mako")).ExitCode);
        var log = Path.Combine(_data.DataDir, "access.log.1.gz");
        await using (var gzip = new GZipStream(File.Create(log), CompressionLevel.Fastest))
        await using (var writer = new StreamWriter(gzip))
        {
            await writer.WriteAsync(
                "198.51.100.4 - - [05/Dec/2026:10:00:00 +0100] \"GET /images/stable/mako/index.json HTTP/1.1\" 200 321 \"-\" \"curl/7.88\"\n"
                + "198.51.100.4 - - [05/Dec/2026:10:00:01 +0100] \"GET /images/stable/flo/index.json HTTP/1.1\" 404 153 \"-\" \"curl/7.88\"\n");
        }

        var first = await _data.RunVerbAsync("ingest-access-log", log, "--channel-prefix", "/images");
        var second = await _data.RunVerbAsync("ingest-access-log", log, "--channel-prefix", "/images");

        Assert.Equal((0, "Read 2 line(s), 0 already ingested before: 1 download(s) and check-in(s) counted."), (first.ExitCode, first.Stdout.Trim()));
        Assert.Equal((0, "Read 2 line(s), 2 already ingested before: 0 download(s) and check-in(s) counted."), (second.ExitCode, second.Stdout.Trim()));
        var missing = await _data.RunVerbAsync("ingest-access-log", Path.Combine(_data.DataDir, "nothing.log"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(2, (await _data.RunVerbAsync("ingest-access-log")).ExitCode);

        // The check-in counts for the version the tree had (none published: version 0), on the log's UTC day.
        var shown = await _data.RunVerbAsync("downloads", "stable", "--from", "2026-12-01", "--to", "2026-12-06");
        Assert.Equal(0, shown.ExitCode);
        Assert.Equal(
            [
                "Downloads of stable from 2026-12-01 to 2026-12-06 (UTC):",
                "  version     full    delta  check-ins",
                "        0        0        0          1",
                "Per day:",
                "  2026-12-05       0        0        0          1",
            ],
            shown.Stdout.TrimEnd().Split('\n'));
        Assert.Contains("usage error: --from and --to are days written yyyy-MM-dd.", (await _data.RunVerbAsync("downloads", "stable", "--from", "5 Dec")).Stderr);
        Assert.Contains("error: channel 'nowhere' does not exist.", (await _data.RunVerbAsync("downloads", "nowhere")).Stderr);
    }
}
