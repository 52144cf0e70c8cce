using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The real server on 127.0.0.1, driven by the real command-line verbs, fetched over HTTP like a device.</summary>
/// <remarks>One server, started on an empty data directory, serves the whole class; each test works on channels of its own.</remarks>
public sealed class ServerEndToEndTests(FirstStartServer fixture) : IClassFixture<FirstStartServer>
{
    private readonly ServerProcess _server = fixture.Server;

    private HttpClient Http => _server.Http;

    [Fact]
    public async Task VerbsRunBesideTheServerAndDevicesFetchTheResultWithHeadAndGet()
    {
        Assert.Contains("development key set", _server.Log);
        await Verb(0, "create-channel", "ubuntu-touch/stable");
        await Verb(0, "create-device", "ubuntu-touch/stable", "mako", "--keyring");
        await Verb(0, "create-channel", "devel", "--hidden");
        await Verb(0, "copy-devices", "ubuntu-touch/stable", "devel");

        var channels = JsonNode.Parse(await GetAsync("/channels.json", "application/json"))!;
        Assert.Equal("/ubuntu-touch/stable/mako/index.json", channels["ubuntu-touch/stable"]!["devices"]!["mako"]!["index"]!.GetValue<string>());
        Assert.True(channels["devel"]!["hidden"]!.GetValue<bool>());

        await GetAsync("/channels.json.asc", "application/pgp-signature");
        foreach (var keyring in new[] { "archive-master", "image-master", "image-signing", "blacklist" })
        {
            await GetAsync($"/gpg/{keyring}.tar.xz", "application/x-xz");
            await GetAsync($"/gpg/{keyring}.tar.xz.asc", "application/pgp-signature");
        }

        var index = JsonNode.Parse(await GetAsync("/ubuntu-touch/stable/mako/index.json", "application/json"))!;
        Assert.Empty(index["images"]!.AsArray());
        await GetAsync("/ubuntu-touch/stable/mako/index.json.asc", "application/pgp-signature");
        await GetAsync("/ubuntu-touch/stable/mako/device.tar.xz", "application/x-xz");
        await GetAsync("/devel/mako/index.json", "application/json");
    }

    [Fact]
    public async Task ListChannelsPrintsJsonOnRequest()
    {
        await Verb(0, "create-channel", "listed");
        await Verb(0, "create-device", "listed", "flo");

        var result = await Verb(0, "list-channels", "--json");

        var listed = JsonNode.Parse(result.Stdout)!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "listed")!;
        Assert.Equal("flo", listed["devices"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task VerbsExitWithOneAndAReasonOnFailureAndTwoOnUsageErrors()
    {
        await Verb(0, "create-channel", "twice");

        var duplicate = await Verb(1, "create-channel", "twice");
        Assert.Contains("already exists", duplicate.Stderr);
        Assert.Single(duplicate.Stderr.Trim().Split('\n'));

        var usage = await Verb(2, "create-channel");
        Assert.Contains("usage", usage.Stderr);

        var unknown = await Verb(2, "no-such-verb");
        Assert.Contains("no-such-verb", unknown.Stderr);
    }

    [Fact]
    public async Task GenerateKeysRefusesToReplaceKeysUnlessForcedAndThenRepublishesTheKeyrings()
    {
        var before = await Http.GetByteArrayAsync(new Uri("/gpg/archive-master.tar.xz", UriKind.Relative));

        var refused = await Verb(1, "generate-keys");
        Assert.Contains("--force", refused.Stderr);

        var forced = await Verb(0, "generate-keys", "--force");
        Assert.Contains("re-signed", forced.Stdout);
        var after = await Http.GetByteArrayAsync(new Uri("/gpg/archive-master.tar.xz", UriKind.Relative));
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task RangeRequestsAndConditionalRequestsWork()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/channels.json");
        request.Headers.Range = new RangeHeaderValue(0, 0);
        using var partial = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("{", await partial.Content.ReadAsStringAsync());

        // Last-Modified is sent once the second of the file's last change is over (a verb of another test may just have changed it).
        await Task.Delay(1100);
        using var full = await Http.GetAsync(new Uri("/channels.json", UriKind.Relative));
        Assert.NotNull(full.Headers.ETag);
        Assert.NotNull(full.Content.Headers.LastModified);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/channels.json");
        conditional.Headers.IfNoneMatch.Add(full.Headers.ETag!);
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/gpg/")]
    [InlineData("/gpg")]
    [InlineData("/.lock")]
    [InlineData("/../secrets/archive-master.sec")]
    [InlineData("/%2e%2e/secrets/archive-master.sec")]
    [InlineData("/..%2fsecrets/archive-master.sec")]
    [InlineData("/secrets/archive-master.sec")]
    [InlineData("/no-such-file.json")]
    public async Task NothingOutsideTheTreeAndNoListingIsServed(string path)
    {
        await File.WriteAllTextAsync(Path.Combine(_server.DataDir, "www", ".lock"), "x");
        Assert.True(File.Exists(Path.Combine(_server.DataDir, "secrets", "archive-master.sec")));

        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
    }

    [Fact]
    public async Task AFileReplacedOnDiskIsServedFreshAtOnce()
    {
        var path = Path.Combine(_server.DataDir, "www", "replaced.json");
        await File.WriteAllTextAsync(path, "{\"v\": 1}\n");
        Assert.Equal("{\"v\": 1}\n", await Http.GetStringAsync(new Uri("/replaced.json", UriKind.Relative)));

        await File.WriteAllTextAsync(path + ".new", "{\"v\": 2}\n");
        File.Move(path + ".new", path, overwrite: true);

        Assert.Equal("{\"v\": 2}\n", await Http.GetStringAsync(new Uri("/replaced.json", UriKind.Relative)));
    }

    [Fact]
    public async Task AFileReplacedTwiceWithinOneClockTickIsServedFresh()
    {
        // The kernel's file times tick coarsely: two replacements of the same length can carry the same time.
        var path = Path.Combine(_server.DataDir, "www", "same-tick.json");
        var tick = DateTime.UtcNow;
        await File.WriteAllTextAsync(path, "{\"v\": 1}\n");
        File.SetLastWriteTimeUtc(path, tick);
        Assert.Equal("{\"v\": 1}\n", await Http.GetStringAsync(new Uri("/same-tick.json", UriKind.Relative)));

        await File.WriteAllTextAsync(path + ".new", "{\"v\": 2}\n");
        File.SetLastWriteTimeUtc(path + ".new", tick);
        File.Move(path + ".new", path, overwrite: true);

        Assert.Equal("{\"v\": 2}\n", await Http.GetStringAsync(new Uri("/same-tick.json", UriKind.Relative)));
    }

    [Fact]
    public async Task HealthReportsTheDatabaseAndThePublishRoot()
    {
        var health = JsonNode.Parse(await Http.GetStringAsync(new Uri("/health", UriKind.Relative)))!;

        Assert.Equal("healthy", health["status"]!.GetValue<string>());
        Assert.Equal("ok", health["database"]!.GetValue<string>());
        Assert.Equal("ok", health["publishRoot"]!.GetValue<string>());
    }

    [Fact]
    public void SecretsArePrivateAndOutsideThePublishRoot()
    {
        var secrets = Path.Combine(_server.DataDir, "secrets");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(secrets));
        Assert.NotEmpty(Directory.GetFiles(secrets, "*.sec"));
        Assert.All(Directory.GetFiles(secrets), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Empty(Directory.GetFiles(Path.Combine(_server.DataDir, "www"), "*.sec", SearchOption.AllDirectories));
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await _server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }

    /// <summary>HEAD then GET, as devices do: both succeed with the same type and length.</summary>
    private async Task<byte[]> GetAsync(string path, string contentType)
    {
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(contentType, head.Content.Headers.ContentType?.MediaType);
        var length = head.Content.Headers.ContentLength;
        Assert.True(length > 0, $"{path} has no Content-Length on HEAD");

        using var get = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(contentType, get.Content.Headers.ContentType?.MediaType);
        var body = await get.Content.ReadAsByteArrayAsync();
        Assert.Equal(length, body.Length);
        return body;
    }
}
