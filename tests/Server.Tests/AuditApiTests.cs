using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>GET /api/v1/audit searched by the server (channel, device, words of the change, pages) and no-op changes left out of it.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class AuditApiTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string Channel = "audit/search";
    private static readonly string Segment = Uri.EscapeDataString(Channel);

    [Fact]
    public async Task SearchesByDeviceAndChangeTextAndPagesWithANextLink()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "audit-bot");
        await PublishAsync(admin, "mako", "grouper");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/channels/{Segment}/devices/mako/images/1/phased-percentage", new { percentage = 35 })).StatusCode);

        var mako = (await ListAsync(admin, $"?channel={Segment}&device=mako")).AsArray();
        var found = (await ListAsync(admin, $"?q={Uri.EscapeDataString("100% 35%")}")).AsArray();

        Assert.Equal(["set-phased-percentage", "publish-image", "create-device"], mako.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(mako, e => Assert.Equal($"{Channel}/mako", e!["target"]!.GetValue<string>()));
        var hit = Assert.Single(found)!;
        Assert.Equal(("audit-bot", "version 1 at 35%"), (hit["actor"]!.GetValue<string>(), hit["after"]!.GetValue<string>()));

        var first = await admin.GetAsync(new Uri($"/api/v1/audit?channel={Segment}&limit=2", UriKind.Relative));
        var firstPage = (await ApiClient.JsonAsync(Task.FromResult(first))).AsArray();
        var next = first.Headers.GetValues("Link").Single();
        var lastId = firstPage[^1]!["id"]!.GetValue<long>();
        Assert.Equal($"</api/v1/audit?channel={Segment}&limit=2&before={lastId}>; rel=\"next\"", next);
        var secondPage = (await ListAsync(admin, next[1..next.IndexOf('>', StringComparison.Ordinal)]["/api/v1/audit".Length..])).AsArray();
        Assert.Equal(2, secondPage.Count);
        Assert.True(secondPage.Max(e => e!["id"]!.GetValue<long>()) < lastId);
        var all = (await ListAsync(admin, $"?channel={Segment}")).AsArray();
        Assert.Equal(all.Take(4).Select(e => e!["id"]!.GetValue<long>()), firstPage.Concat(secondPage).Select(e => e!["id"]!.GetValue<long>()));
        Assert.False((await admin.GetAsync(new Uri($"/api/v1/audit?channel={Segment}", UriKind.Relative))).Headers.Contains("Link"));
    }

    [Fact]
    public async Task ANoOpChangeAnswersOkButIsNotAudited()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        await PublishAsync(admin, "flo");
        var before = (await ListAsync(admin, $"?channel={Segment}&device=flo")).AsArray().Count;

        var same = await admin.PutAsJsonAsync($"/api/v1/channels/{Segment}/devices/flo/images/1/phased-percentage", new { percentage = 100 });
        var hidden = await admin.PatchAsJsonAsync($"/api/v1/channels/{Segment}", new { hidden = false });

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(100, (await ApiClient.JsonAsync(Task.FromResult(same)))["phasedPercentage"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        Assert.Equal(before, (await ListAsync(admin, $"?channel={Segment}&device=flo")).AsArray().Count);
        Assert.Empty((await ListAsync(admin, $"?channel={Segment}&q=show-channel")).AsArray());
    }

    [Theory]
    [InlineData("?before=0", "'before' must be the id of an audit entry")]
    [InlineData("?before=x", "")]
    [InlineData("?limit=5000", "'limit' must be between 1 and 1000, not 5000")]
    public async Task RefusesAPageItCannotServe(string query, string detail)
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);

        var response = await viewer.GetAsync(new Uri("/api/v1/audit" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<JsonNode> ListAsync(HttpClient client, string query) =>
        ApiClient.JsonAsync(client.GetAsync(new Uri("/api/v1/audit" + query, UriKind.Relative)));

    private async Task PublishAsync(HttpClient admin, params string[] devices)
    {
        await admin.PostAsJsonAsync("/api/v1/channels", new { name = Channel });
        foreach (var device in devices)
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/v1/channels/{Segment}/devices", new { name = device })).StatusCode);
            var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"audit-{device}.tar.gz"), 1);
            var published = await server.Get<ImageService>().PublishAsync(
                new PublishImageRequest(Channel, device, [new PartInput("ubuntu", file)]), new Actor("tester", "cli"), CancellationToken.None);
            Assert.True(published.Succeeded, published.Message);
        }
    }
}
