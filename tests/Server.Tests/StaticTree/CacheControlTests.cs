using System.Net;
using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.StaticTree;

/// <summary>
/// A published tree as a CDN or mirror meets it: pool images are immutable for a year; indexes, channels.json, keyrings,
/// version tarballs and every signature are kept briefly and revalidated, and a revalidation of an unchanged file
/// (by ETag or by date) is a 304 that carries the same Cache-Control.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class CacheControlTests : IAsyncLifetime
{
    private const string Immutable = "public, max-age=31536000, immutable";
    private const string Revalidated = "public, max-age=60, must-revalidate";
    private static readonly Actor Tester = new("tester", "api");
    private readonly InProcessServer _server = new();
    private JsonNode _files = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _files = await PublishAsync(_server);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>Publishes one full image on stable/mako and answers its index entry's files.</summary>
    private static async Task<JsonNode> PublishAsync(InProcessServer server)
    {
        Assert.True((await server.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
        Assert.True((await server.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, CancellationToken.None)).Succeeded);
        var build = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs.tar.gz"), 1);
        var published = await server.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]), Tester, CancellationToken.None);
        Assert.True(published.Succeeded, published.Message);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/stable/mako/index.json", UriKind.Relative)))!;
        return index["images"]![0]!["files"]!;
    }

    private string PoolImage => _files[0]!["path"]!.GetValue<string>();

    private string VersionTarball => _files[1]!["path"]!.GetValue<string>();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response;
    }

    /// <summary>The header as the server sent it (the typed one reorders its directives).</summary>
    private static string? CacheControl(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? values.ToString() : null;

    [Fact]
    public async Task PoolImagesAreImmutableAndEverythingElseRevalidates()
    {
        Assert.StartsWith("/pool/ubuntu-", PoolImage);
        Assert.EndsWith("/version-1.tar.xz", VersionTarball);
        string[] revalidated =
        [
            "/channels.json", "/channels.json.asc", "/stable/mako/index.json", "/stable/mako/index.json.asc",
            "/gpg/archive-master.tar.xz", "/gpg/image-signing.tar.xz.asc", PoolImage + ".asc",
            PoolImage[..^".tar.xz".Length] + ".json", VersionTarball, VersionTarball + ".asc",
        ];

        using var pool = await SendAsync(_server.Http, HttpMethod.Get, PoolImage);
        using var head = await SendAsync(_server.Http, HttpMethod.Head, PoolImage);
        Assert.Equal(HttpStatusCode.OK, pool.StatusCode);
        Assert.Equal(Immutable, CacheControl(pool));
        Assert.Equal(Immutable, CacheControl(head));
        foreach (var path in revalidated)
        {
            using var response = await SendAsync(_server.Http, HttpMethod.Get, path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.True(CacheControl(response) == Revalidated, $"{path}: {CacheControl(response)}");
        }
    }

    [Fact]
    public async Task ARangeOfAPoolImageIsImmutableToo()
    {
        using var range = await SendAsync(_server.Http, HttpMethod.Get, PoolImage, r => r.Headers.Range = new(0, 99));

        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(Immutable, CacheControl(range));
    }

    [Fact]
    public async Task RevalidatingAnUnchangedIndexByETagOrDateIsA304WithTheSameCacheControl()
    {
        using var first = await SendAsync(_server.Http, HttpMethod.Get, "/stable/mako/index.json");
        var tag = first.Headers.ETag!;
        // Last-Modified is withheld during the second the file changed in; a CDN revalidating later gets it.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        using var dated = await SendAsync(_server.Http, HttpMethod.Get, "/stable/mako/index.json");
        var lastModified = dated.Content.Headers.LastModified!.Value;

        using var byTag = await SendAsync(_server.Http, HttpMethod.Get, "/stable/mako/index.json", r => r.Headers.IfNoneMatch.Add(tag));
        using var byDate = await SendAsync(_server.Http, HttpMethod.Get, "/stable/mako/index.json", r => r.Headers.IfModifiedSince = lastModified);
        using var poolByTag = await SendAsync(_server.Http, HttpMethod.Get, PoolImage);
        using var poolRevalidated = await SendAsync(_server.Http, HttpMethod.Get, PoolImage, r => r.Headers.IfNoneMatch.Add(poolByTag.Headers.ETag!));

        Assert.Equal((HttpStatusCode.NotModified, Revalidated, tag), (byTag.StatusCode, CacheControl(byTag), byTag.Headers.ETag));
        Assert.Equal((HttpStatusCode.NotModified, Revalidated, tag), (byDate.StatusCode, CacheControl(byDate), byDate.Headers.ETag));
        Assert.Equal((HttpStatusCode.NotModified, Immutable), (poolRevalidated.StatusCode, CacheControl(poolRevalidated)));
    }

    [Fact]
    public async Task MissingFilesAndTheApiCarryNoTreeCacheControl()
    {
        using var missing = await SendAsync(_server.Http, HttpMethod.Get, "/pool/ubuntu-0000.tar.xz");
        using var health = await SendAsync(_server.Http, HttpMethod.Get, "/health");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(CacheControl(missing));
        Assert.NotEqual(Immutable, CacheControl(health));
        Assert.NotEqual(Revalidated, CacheControl(health));
    }

    [Fact]
    public async Task TheAgesAreConfigurable()
    {
        var server = InProcessServer.WithArguments("--SystemImage:Caching:PoolMaxAgeSeconds=86400", "--SystemImage:Caching:IndexMaxAgeSeconds=0");
        await server.InitializeAsync();
        try
        {
            var files = await PublishAsync(server);

            using var pool = await SendAsync(server.Http, HttpMethod.Get, files[0]!["path"]!.GetValue<string>());
            using var index = await SendAsync(server.Http, HttpMethod.Get, "/stable/mako/index.json");

            Assert.Equal("public, max-age=86400, immutable", CacheControl(pool));
            Assert.Equal("public, no-cache", CacheControl(index));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
