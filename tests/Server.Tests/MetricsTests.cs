using System.Net;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary><c>/metrics</c> on the real host: the SystemImage meter, HTTP requests by endpoint, and the option that turns it off.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class MetricsTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private static readonly Actor Tester = new("tester", "api");

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await server.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TheEndpointServesPrometheusTextFormat()
    {
        using var response = await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("text/plain", contentType.MediaType);
        Assert.Contains(contentType.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE systemimage_publish_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_requests_received_total counter", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublishIsCountedWithItsDurationAndTheFilesItWrote()
    {
        var before = await ScrapeAsync();

        var report = await server.Get<TreePublisher>().PublishAsync(PublishRequest.All with { ForceSign = true }, CancellationToken.None);

        var after = await ScrapeAsync();
        Assert.True(report.Written > 0);
        Assert.Equal((before.ValueOrNull("systemimage_publish_duration_seconds_count") ?? 0) + 1, after.ValueOrNull("systemimage_publish_duration_seconds_count"));
        Assert.Equal((before.ValueOrNull("systemimage_publish_files_written") ?? 0) + report.Written, after.ValueOrNull("systemimage_publish_files_written"));
        Assert.True(after.ValueOrNull("systemimage_publish_duration_seconds_sum") > 0);
        // Buckets come from the instrument's advice, not the adapter's defaults.
        Assert.Single(after.Of("systemimage_publish_duration_seconds_bucket", ("le", "0.025")));
    }

    [Fact]
    public async Task AnImportIsTimedByChannelAndOutcome()
    {
        await server.CreateAutoChannelAsync("metered");
        var importer = server.Get<ImportService>();

        var first = await importer.ImportAsync("metered", Tester, new RecordingImportReporter(), CancellationToken.None);
        var second = await importer.ImportAsync("metered", Tester, new RecordingImportReporter(), CancellationToken.None);

        Assert.True(first.Published);
        Assert.False(second.Published);
        var metrics = await ScrapeAsync();
        const string Count = "systemimage_import_duration_seconds_count";
        Assert.Equal(1, metrics.ValueOrNull(Count, ("channel", "metered"), ("outcome", "published")));
        Assert.Equal(1, metrics.ValueOrNull(Count, ("channel", "metered"), ("outcome", "nothing_new")));
        Assert.True(metrics.ValueOrNull("systemimage_import_duration_seconds_sum", ("channel", "metered"), ("outcome", "published")) > 0);
    }

    [Fact]
    public async Task TheTreeSizeGaugesAreAboveZero()
    {
        var metrics = await ScrapeAsync();

        Assert.True(metrics.ValueOrNull("systemimage_tree_size_bytes") > 0);
        Assert.True(metrics.ValueOrNull("systemimage_tree_files") > 0);
    }

    [Fact]
    public async Task TheImageSigningKeyExpiresWithinTwoYears()
    {
        var metrics = await ScrapeAsync();

        Assert.InRange(metrics.ValueOrNull("systemimage_signing_key_expiry_days", ("key", KeyNames.ImageSigning)) ?? -1, 0, 731);
        Assert.Empty(metrics.Of("systemimage_signing_key_expiry_days", ("key", KeyNames.ArchiveMaster)));
    }

    [Fact]
    public async Task HttpRequestsAreCountedByRouteTemplateAndStatus()
    {
        var before = await ScrapeAsync();

        await GetAsync("/health", HttpStatusCode.OK);

        var after = await ScrapeAsync();
        (string, string)[] health = [("endpoint", "/health"), ("code", "200"), ("method", "GET")];
        Assert.Equal((before.ValueOrNull("http_requests_received_total", health) ?? 0) + 1, after.ValueOrNull("http_requests_received_total", health));
        Assert.NotEmpty(after.Of("http_request_duration_seconds_count", health));
        // Scrapes themselves are not counted.
        Assert.Empty(after.Of("http_requests_received_total", ("endpoint", "/metrics")));
    }

    [Fact]
    public async Task StaticTreeRequestsShareOneEndpointLabelWhateverTheirPath()
    {
        await GetAsync("/channels.json", HttpStatusCode.OK);
        await GetAsync("/gpg/image-signing.tar.xz", HttpStatusCode.OK);
        foreach (var i in Enumerable.Range(0, 5))
        {
            await GetAsync($"/no-such-channel-{i}/mako/index.json", HttpStatusCode.NotFound);
        }

        var metrics = await ScrapeAsync();
        Assert.True(metrics.ValueOrNull("http_requests_received_total", ("endpoint", "static"), ("code", "200"), ("method", "GET")) >= 2);
        Assert.True(metrics.ValueOrNull("http_requests_received_total", ("endpoint", "static"), ("code", "404"), ("method", "GET")) >= 5);
        var endpoints = metrics.Samples.Where(s => s.Name.StartsWith("http_request", StringComparison.Ordinal) && s.Labels.ContainsKey("endpoint"))
            .Select(s => s.Labels["endpoint"]).Distinct().ToList();
        Assert.All(endpoints, e => Assert.True(e is "static" or "/health", $"unexpected endpoint label '{e}'"));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.Values.Any(v => v.Contains("no-such-channel", StringComparison.Ordinal) || v.Contains(".json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DisabledMetricsServeNoEndpoint()
    {
        var disabled = InProcessServer.WithArguments("--SystemImage:Metrics:Enabled=false");
        await disabled.InitializeAsync();
        try
        {
            using var response = await disabled.Http.GetAsync(new Uri("/metrics", UriKind.Relative));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            await disabled.DisposeAsync();
        }
    }

    [Fact]
    public async Task CanRequireAToken()
    {
        var guarded = InProcessServer.WithArguments("--SystemImage:Metrics:RequireAuthentication=true");
        await guarded.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guarded.Http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
            using var viewer = await ApiClient.WithRoleAsync(guarded, SystemImage.Core.Persistence.Entities.Role.Viewer);
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }
        finally
        {
            await guarded.DisposeAsync();
        }
    }
}
