using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit;

namespace SystemImage.Server.Tests.StaticTree;

/// <summary>
/// ETags of the served tree come from content: two publishes of a same-length index.json within one second (a
/// phased-percentage change, say) never share a tag, so neither a CDN's revalidation nor a resumed download is
/// confirmed against stale bytes.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ContentETagTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private HttpClient Http => server.Http;

    [Fact]
    public async Task TwoChangesOfASameLengthFileWithinOneSecondGetDifferentETags()
    {
        var (path, first, second) = await TwoVersionsWithinOneSecondAsync("twice", """{"phased-percentage": 10}""", """{"phased-percentage": 20}""");

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("""{"phased-percentage": 20}""", second.Body);
        using var again = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(second.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task IfNoneMatchWithTheOldETagGetsTheNewBytes()
    {
        var (path, first, second) = await TwoVersionsWithinOneSecondAsync("revalidate", """{"phased-percentage": 30}""", """{"phased-percentage": 40}""");

        using var stale = new HttpRequestMessage(HttpMethod.Get, path);
        stale.Headers.IfNoneMatch.Add(first.ETag);
        stale.Headers.IfModifiedSince = DateTimeOffset.UtcNow.AddMinutes(1);
        using var revalidated = await Http.SendAsync(stale);
        using var current = new HttpRequestMessage(HttpMethod.Get, path);
        current.Headers.IfNoneMatch.Add(second.ETag);
        using var notModified = await Http.SendAsync(current);

        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Equal("""{"phased-percentage": 40}""", await revalidated.Content.ReadAsStringAsync());
        Assert.Equal(second.ETag, revalidated.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(second.ETag, notModified.Headers.ETag);
    }

    [Fact]
    public async Task IfRangeWithTheOldETagGetsTheWholeNewFileAndWithTheCurrentOneARange()
    {
        var (path, first, second) = await TwoVersionsWithinOneSecondAsync("resume", """{"phased-percentage": 50}""", """{"phased-percentage": 60}""");

        using var resume = new HttpRequestMessage(HttpMethod.Get, path);
        resume.Headers.Range = new RangeHeaderValue(22, null);
        resume.Headers.IfRange = new RangeConditionHeaderValue(first.ETag);
        using var whole = await Http.SendAsync(resume);
        using var current = new HttpRequestMessage(HttpMethod.Get, path);
        current.Headers.Range = new RangeHeaderValue(22, null);
        current.Headers.IfRange = new RangeConditionHeaderValue(second.ETag);
        using var partial = await Http.SendAsync(current);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("""{"phased-percentage": 60}""", await whole.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("60}", await partial.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LargeFilesOfTheSameLengthAndTimeGetETagsFromTheirContent()
    {
        var path = "/etag-tests/pool/large.tar.xz";
        var file = Path.Combine(server.DataDir, "www", path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var time = DateTime.UtcNow.AddMinutes(-5);
        var content = new byte[300 * 1024];
        await File.WriteAllBytesAsync(file, content);
        File.SetLastWriteTimeUtc(file, time);
        using var first = await Http.GetAsync(new Uri(path, UriKind.Relative));

        var other = Path.Combine(Path.GetDirectoryName(file)!, "other.tar.xz");
        content[1000] = 1;
        await File.WriteAllBytesAsync(other, content);
        File.SetLastWriteTimeUtc(other, time);
        using var second = await Http.GetAsync(new Uri("/etag-tests/pool/other.tar.xz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.False(first.Headers.ETag!.IsWeak);
        Assert.NotNull(first.Content.Headers.LastModified);
    }

    /// <summary>Serves <paramref name="before"/> and then <paramref name="after"/> (the same length) at one path, both modified within one second.</summary>
    private async Task<(string Path, Served First, Served Second)> TwoVersionsWithinOneSecondAsync(string device, string before, string after)
    {
        Assert.Equal(before.Length, after.Length);
        var path = $"/etag-tests/{device}/index.json";
        var file = Path.Combine(server.DataDir, "www", path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var now = DateTime.UtcNow;
        var second = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        await File.WriteAllTextAsync(file, before, Encoding.ASCII);
        File.SetLastWriteTimeUtc(file, second.AddMilliseconds(100));
        var first = await GetAsync(path);
        await File.WriteAllTextAsync(file, after, Encoding.ASCII);
        File.SetLastWriteTimeUtc(file, second.AddMilliseconds(600));
        return (path, first, await GetAsync(path));
    }

    private async Task<Served> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Served(response.Headers.ETag!, await response.Content.ReadAsStringAsync());
    }

    private sealed record Served(EntityTagHeaderValue ETag, string Body);
}
