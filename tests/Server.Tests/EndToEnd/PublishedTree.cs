using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>What devices see, read over HTTP from the in-process server, and builds uploaded through the API.</summary>
internal static class PublishedTree
{
    /// <summary>A device's published index.json, or null while there is none.</summary>
    public static async Task<JsonNode?> IndexOrNullAsync(InProcessServer server, string channel, string device)
    {
        using var response = await server.Http.GetAsync(new Uri($"/{channel}/{device}/index.json", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The published channels.json.</summary>
    public static async Task<JsonObject> ChannelsAsync(InProcessServer server) =>
        JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/channels.json", UriKind.Relative)))!.AsObject();

    /// <summary>Waits (a little: the UI has already shown the outcome) until the device's index satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<JsonNode> IndexWhereAsync(InProcessServer server, string channel, string device, Func<JsonNode, bool> condition, string what)
    {
        JsonNode? index = null;
        var held = await InProcessServer.EventuallyAsync(async () => (index = await IndexOrNullAsync(server, channel, device)) is { } i && condition(i), seconds: 15);
        Assert.True(held, $"/{channel}/{device}/index.json should show {what}; it is: {index?.ToJsonString() ?? "missing"}");
        return index!;
    }

    public static IEnumerable<JsonNode> Full(JsonNode index) => index["images"]!.AsArray().Select(i => i!).Where(i => (string?)i["type"] == "full");

    /// <summary>The newest full image of an index.</summary>
    public static JsonNode Latest(JsonNode index) => Full(index).MaxBy(i => (int)i["version"]!)!;

    /// <summary>A full image by version, or null.</summary>
    public static JsonNode? FullImage(JsonNode index, int version) => Full(index).FirstOrDefault(i => (int)i["version"]! == version);

    /// <summary>The checksums of an image's files other than its version tarball (the build itself).</summary>
    public static IReadOnlyList<string> BuildFiles(JsonNode image) => [.. image["files"]!.AsArray()
        .Where(f => !((string)f!["path"]!).Contains("/version-", StringComparison.Ordinal))
        .Select(f => (string)f!["checksum"]!)];

    /// <summary>Uploads build <paramref name="build"/> as the <c>ubuntu</c> part of a new image of <paramref name="device"/>.</summary>
    public static async Task UploadAsync(InProcessServer server, HttpClient client, string channel, string device, int build, string description)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"upload-{build}-{Guid.NewGuid():N}.tar.gz"), build, files: 60);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "ubuntu", "build.tar.gz");
        form.Add(new StringContent(description), "description");
        using var response = await client.PostAsync(new Uri($"/api/v1/channels/{Uri.EscapeDataString(channel)}/devices/{device}/images", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
