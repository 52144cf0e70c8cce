using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The OpenAPI document names its sections by resource and puts every operation in exactly one of them; the
/// repository's copy of it (docs/openapi.json) is what the server serves, and docs/api.md has a row for every route.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed partial class ApiReferenceTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    [Fact]
    public async Task EveryOperationSitsInASectionNamedByItsResource()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);

        var document = await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var sections = document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Api.ApiReference.Sections.Select(s => s.Name), sections);
        Assert.Subset(sections.ToHashSet(), new HashSet<string> { "Channels", "Devices", "Images", "Tokens", "Audit", "Users" });
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value as JsonObject)))
            .Where(o => o.Operation?["responses"] is not null).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, o =>
        {
            var tags = o.Operation!["tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
            Assert.True(tags.Count == 1 && sections.Contains(tags[0]), $"{o.Method} {o.Path} is in [{string.Join(", ", tags)}].");
        });
        Assert.Contains("Back to the admin UI", document["info"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRepositorysCopyOfTheDocumentIsWhatTheServerServes()
    {
        var served = await ServedDocumentAsync();
        var copy = Path.Combine(RepositoryRoot.Path, "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("SYSTEMIMAGE_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(copy, served);
        }

        Assert.True(
            File.Exists(copy) && await File.ReadAllTextAsync(copy) == served,
            "docs/openapi.json is not what /openapi/v1.json serves; write it again with "
            + "SYSTEMIMAGE_UPDATE_DOCS=1 dotnet test tests/Server.Tests --filter FullyQualifiedName~ApiReferenceTests");
    }

    [Fact]
    public async Task TheReferenceHasARowForEveryRouteAndNoOther()
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;
        var served = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {Shape(p.Key)}"))
            .Order(StringComparer.Ordinal).ToList();
        var reference = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "api.md"));

        var rows = Row().Matches(reference).Select(m => $"{m.Groups["method"].Value} {Shape(m.Groups["path"].Value)}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(served, rows);
    }

    /// <summary>The document as the server serves it, without the address it was asked at, indented, one trailing newline.</summary>
    private async Task<string> ServedDocumentAsync()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        var document = JsonNode.Parse(await viewer.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>A path with its parameters unnamed and no trailing slash: <c>/api/v1/channels/{}/devices</c>.</summary>
    private static string Shape(string path) => Parameter().Replace(path, "{}").TrimEnd('/');

    [GeneratedRegex(@"^\| (?<method>GET|HEAD|POST|PUT|PATCH|DELETE) \| (?<path>/\S*) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
