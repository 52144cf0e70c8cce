using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SystemImage.Core.Adoption;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.Adoption;

/// <summary>Downloads through Kestrel, counted by the static tree, flushed and read back through the API.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class DownloadCountingTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "api");
    private readonly InProcessServer _server = InProcessServer.WithArguments("--SystemImage:Adoption:FlushSeconds=1");

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.True((await _server.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
        Assert.True((await _server.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, CancellationToken.None)).Succeeded);
        var build = SimpleTarball.WriteBuild(Path.Combine(_server.DataDir, "rootfs.tar.gz"), 1);
        var published = await _server.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]), Tester, CancellationToken.None);
        Assert.True(published.Succeeded, published.Message);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<string> PoolFileAsync()
    {
        var index = JsonNode.Parse(await _server.Http.GetStringAsync(new Uri("/stable/mako/index.json", UriKind.Relative)))!;
        return index["images"]![0]!["files"]![0]!["path"]!.GetValue<string>();
    }

    private async Task<JsonNode> DownloadsAsync()
    {
        using var viewer = await ApiClient.WithRoleAsync(_server, Role.Viewer);
        return await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/api/v1/channels/stable/downloads?device=mako", UriKind.Relative)));
    }

    private static long Sum(JsonNode downloads, string field) =>
        downloads["days"]!.AsArray().Sum(d => d![field]!.GetValue<long>());

    private async Task<HttpStatusCode> GetRangeAsync(string path, long from, long? to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(from, to);
        using var response = await _server.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    [Fact]
    public async Task AWholeDownloadOfAPoolFileAndACheckInShowInTheApi()
    {
        var pool = await PoolFileAsync();

        var bytes = await _server.Http.GetByteArrayAsync(new Uri(pool, UriKind.Relative));
        using (var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(pool, UriKind.Relative))))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        Assert.NotEmpty(bytes);
        Assert.True(await InProcessServer.EventuallyAsync(async () => Sum(await DownloadsAsync(), "full") == 1, 20));
        var downloads = await DownloadsAsync();
        Assert.Equal(1, Sum(downloads, "checkIns"));
        Assert.Equal(1, downloads["days"]![0]!["version"]!.GetValue<int>());
        Assert.Equal("mako", downloads["devices"]![0]!["device"]!.GetValue<string>());
        var metrics = new PrometheusText(await _server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, metrics.ValueOrNull("systemimage_downloads_total", ("channel", "stable"), ("device", "mako"), ("version", "1"), ("kind", "full")));
        Assert.Equal(1, metrics.ValueOrNull("systemimage_downloads_total", ("channel", "stable"), ("device", "mako"), ("version", "1"), ("kind", "checkin")));
    }

    [Theory]
    [InlineData("/api/v1/channels/stable/downloads?from=2026-12-40", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/channels/stable/downloads?from=2026-12-05&to=2026-12-01", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/channels/stable/downloads?from=2025-01-01&to=2026-12-01", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/channels/nowhere/downloads", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/channels/stable/downloads?from=2026-12-01&to=2026-12-05&device=flo", HttpStatusCode.OK)]
    public async Task TheDownloadsRouteChecksItsDaysAndChannel(string address, HttpStatusCode expected)
    {
        using var viewer = await ApiClient.WithRoleAsync(_server, Role.Viewer);

        using var response = await viewer.GetAsync(new Uri(address, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task ARangeCountsOnlyWhenItCompletesTheFile()
    {
        var pool = await PoolFileAsync();
        var length = (await _server.Http.GetByteArrayAsync(new Uri(pool, UriKind.Relative))).Length;
        Assert.True(await InProcessServer.EventuallyAsync(async () => Sum(await DownloadsAsync(), "full") == 1, 20));

        Assert.Equal(HttpStatusCode.PartialContent, await GetRangeAsync(pool, 0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, await GetRangeAsync(pool, 100, null));
        await _server.Get<DownloadFlusher>().FlushAsync(CancellationToken.None);

        Assert.Equal(2, Sum(await DownloadsAsync(), "full"));
        Assert.True(length > 100);
    }

    [Fact]
    public async Task CountsNotFlushedYetAreWrittenWhenTheServerStops()
    {
        var pool = await PoolFileAsync();
        await _server.Get<DownloadFlusher>().FlushAsync(CancellationToken.None);
        _server.Get<DownloadCounter>().Count(pool);
        _server.Get<DownloadCounter>().Count(pool);

        await _server.StopAsync();

        var downloads = await _server.Get<DownloadQueries>().ForChannelOrNullAsync("stable", null, null, "mako", CancellationToken.None);
        Assert.Equal(2, downloads!.Days.Sum(d => d.Full));
    }
}
