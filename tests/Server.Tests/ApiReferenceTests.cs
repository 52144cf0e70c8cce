using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The OpenAPI document names its sections by resource and puts every operation in exactly one of them.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ApiReferenceTests(InProcessServer server) : IClassFixture<InProcessServer>
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
}
