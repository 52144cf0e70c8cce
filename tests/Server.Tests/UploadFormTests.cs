using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Multipart uploads the server refuses early, with a 400 and a reason instead of a 500 or memory it never gives back:
/// too many sections, unknown, repeated or oversized fields, a body without its closing boundary; and an upload that
/// changes nothing says so.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class UploadFormTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private async Task<(HttpClient Publisher, string Images)> SetUpAsync()
    {
        var channel = "form-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/channels", new { name = channel })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/v1/channels/{channel}/devices", new { name = "mako" })).StatusCode);
        return (await ApiClient.WithRoleAsync(server, Role.Publisher), $"/api/v1/channels/{channel}/devices/mako/images");
    }

    private MultipartFormDataContent WithBuild(int build = 1)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"rootfs-{Guid.NewGuid():N}.tar.gz"), build);
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(File.ReadAllBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "ubuntu", "rootfs.tar.gz");
        return form;
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!["detail"]!.GetValue<string>();
    }

    [Fact]
    public async Task MoreSectionsThanTheLimitAreRefused()
    {
        var (publisher, images) = await SetUpAsync();
        using var form = WithBuild();
        for (var i = 0; i < 40; i++)
        {
            form.Add(new ByteArrayContent([]), $"part{i}", "empty.tar");
        }

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), form), HttpStatusCode.BadRequest);

        Assert.Equal("The upload has more than 32 parts and fields, the most one may have (SystemImage:Api:MaxFormFields).", detail);
    }

    [Fact]
    public async Task AFieldTheUploadDoesNotTakeIsRefused()
    {
        var (publisher, images) = await SetUpAsync();
        using var form = WithBuild();
        form.Add(new StringContent("50"), "phasedPercentag");

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), form), HttpStatusCode.BadRequest);

        Assert.StartsWith("'phasedPercentag' is not a field of an upload", detail);
        Assert.Empty((await ApiClient.JsonAsync(publisher.GetAsync(new Uri(images, UriKind.Relative)))).AsArray());
    }

    [Fact]
    public async Task AFieldGivenTwiceIsRefused()
    {
        var (publisher, images) = await SetUpAsync();
        using var form = WithBuild();
        form.Add(new StringContent("one"), "description");
        form.Add(new StringContent("two"), "Description");

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), form), HttpStatusCode.BadRequest);

        Assert.Equal("Field 'Description' is given more than once.", detail);
    }

    [Fact]
    public async Task AFieldThatIsNotUtf8IsRefused()
    {
        var (publisher, images) = await SetUpAsync();
        using var form = WithBuild();
        form.Add(new ByteArrayContent([.. "invalid UTF-8 "u8, 0xFF, 0xFE, 0xED, 0xA0, 0x80]), "description");

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), form), HttpStatusCode.BadRequest);

        Assert.Equal("Field 'description' is not valid UTF-8.", detail);
        Assert.Empty((await ApiClient.JsonAsync(publisher.GetAsync(new Uri(images, UriKind.Relative)))).AsArray());
    }

    [Fact]
    public async Task ABodyLargerThanTheServerTakesIsRefusedWithTheLimits()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await using var stream = tcp.GetStream();

        // Only the headers are sent: the server answers from the Content-Length alone.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/channels HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: {admin.DefaultRequestHeaders.Authorization}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 10000000000000\r\nConnection: close\r\n\r\n{"));
        var response = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 413 ", response, StringComparison.Ordinal);
        Assert.Contains("\"detail\":\"The request body is too large: an image upload takes at most SystemImage:Api:MaxUploadBytes, any other request 30 MB.\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFieldLongerThanTheLimitIsRefused()
    {
        var (publisher, images) = await SetUpAsync();
        using var form = WithBuild();
        form.Add(new StringContent(new string('d', (64 << 10) + 1)), "description");

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), form), HttpStatusCode.BadRequest);

        Assert.Equal("Field 'description' is longer than 65536 bytes (SystemImage:Api:MaxFormFieldBytes).", detail);
    }

    [Theory]
    [InlineData("--b0undary\r\nContent-Disposition: form-data; name=\"ubuntu\"; filename=\"rootfs.tar.gz\"\r\n\r\nnot even a tarball")]
    [InlineData("--b0undary\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nno end")]
    [InlineData("--b0undary\r\nContent-Disposition: form-data; name=\"ubuntu\"; filename=\"rootfs.tar.gz\"\r\n")]
    [InlineData("--b0undary")]
    public async Task ABodyWithoutItsClosingBoundaryIsABadRequest(string body)
    {
        var (publisher, images) = await SetUpAsync();
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0undary");

        var detail = await ProblemAsync(await publisher.PostAsync(new Uri(images, UriKind.Relative), content), HttpStatusCode.BadRequest);

        Assert.StartsWith("The multipart request is malformed or cut off: ", detail);
        Assert.True(await InProcessServer.EventuallyAsync(
            () => Task.FromResult(!Directory.EnumerateDirectories(Path.Combine(server.DataDir, "state", "work"), "upload-*").Any()), 10));
    }

    [Fact]
    public async Task AnUploadThatChangesNothingAnswers200AndSaysWhy()
    {
        var (publisher, images) = await SetUpAsync();
        Assert.Equal(HttpStatusCode.Created, (await publisher.PostAsync(new Uri(images, UriKind.Relative), WithBuild(3))).StatusCode);

        var again = await publisher.PostAsync(new Uri(images, UriKind.Relative), WithBuild(3));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.StartsWith("Nothing new: version 1 of ", body["message"]!.GetValue<string>());
        Assert.Equal(1, body["image"]!["version"]!.GetValue<int>());
        Assert.Single((await ApiClient.JsonAsync(publisher.GetAsync(new Uri(images, UriKind.Relative)))).AsArray());
    }
}
