using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;
using static SystemImage.Server.Tests.RouteWorld;

namespace SystemImage.Server.Tests;

/// <summary>
/// Every route of the REST API v1 over a real Kestrel on 127.0.0.1, against API.md: mapped exactly as the table says,
/// 401 without a valid token, 403 below its role with nothing changed, success with the least role allowed, and
/// 400/404/409 as problem details that change nothing. Every route taking a channel gets <c>ubuntu-touch/stable/ubuntu</c>.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class RouteMatrixTests(RouteMatrixServer server) : IClassFixture<RouteMatrixServer>, IAsyncLifetime
{
    private RouteWorld _world = null!;

    public static TheoryData<string> Routes => [.. RouteTable.Rows.Select(r => r.Key)];

    public static TheoryData<string, string> PathParameters
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var row in RouteTable.Rows)
            {
                foreach (var parameter in row.Parameters)
                {
                    data.Add(row.Key, parameter);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> JsonRoutes => [.. RouteTable.Rows.Where(r => r.TakesJson).Select(r => r.Key)];

    public static TheoryData<string> Problems => [.. RouteProblems.Cases.Select(c => c.Key)];

    public async Task InitializeAsync() => _world = new RouteWorld(server, await server.ClientsAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void EveryMappedRouteIsInTheMatrixWithTheRoleApiMdRequires()
    {
        var mapped = server.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Path: PathOf(e.RoutePattern)))
            .Where(e => e.Path.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => (
                Key: $"{method} {e.Path["/api/v1".Length..]}",
                Policies: e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList())))
            .ToList();
        var table = RouteTable.Rows.Select(r => r.Key).ToList();

        Assert.Equal(table.Count, table.Distinct().Count());
        Assert.True(mapped.Count > 30, $"only {mapped.Count} routes found under /api/v1");
        Assert.Empty(mapped.Select(m => m.Key).Except(table));
        Assert.Empty(table.Except(mapped.Select(m => m.Key)));
        Assert.All(mapped, m => Assert.Equal([Roles.Name(RouteTable.Find(m.Key).Role)], m.Policies));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WithoutAValidTokenEveryRouteIs401WithABearerChallenge(string route)
    {
        var row = RouteTable.Find(route);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using var garbage = ApiClient.WithSecret(server, "sis_garbage-garbage-garbage-garbage-garbage");
        using var revoked = ApiClient.WithSecret(server, (await server.ClientsAsync()).RevokedSecret);

        foreach (var client in new[] { anonymous, garbage, revoked })
        {
            using var response = await client.SendAsync(row.Request(_world));

            Assert.Contains("Bearer", await ProblemDetailAsync(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryRoleBelowTheRoutesRoleIs403AndChangesNothing(string route)
    {
        var row = RouteTable.Find(route);
        if (row.Role == Role.Viewer)
        {
            using var read = await _world.As(Role.Viewer).SendAsync(row.Request(_world));
            Assert.NotEqual(HttpStatusCode.Unauthorized, read.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, read.StatusCode);
            return;
        }

        await _world.ResetAsync();
        await row.ArrangeAsync(_world);
        var before = await _world.SnapshotAsync();

        foreach (var role in Enum.GetValues<Role>().Where(r => r < row.Role))
        {
            using var response = await _world.As(role).SendAsync(row.Request(_world));
            Assert.Contains("role", await ProblemDetailAsync(response, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        }

        Assert.Equal(before, await _world.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryRouteSucceedsWithTheLeastRoleAllowed(string route)
    {
        var row = RouteTable.Find(route);
        await _world.ResetAsync();
        await row.ArrangeAsync(_world);
        using var request = row.Request(_world);
        if (row.Parameters.Contains("c"))
        {
            Assert.Contains($"/channels/{Segment}", request.RequestUri!.OriginalString, StringComparison.Ordinal);
        }

        using var response = await _world.As(row.Role).SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == row.Status, $"{(int)response.StatusCode} instead of {(int)row.Status}: {body}");
        var json = body.Length == 0 ? null : JsonNode.Parse(body);
        row.Expect(_world, response, json);
        await row.AfterAsync(_world, json);
    }

    [Theory]
    [MemberData(nameof(PathParameters))]
    public async Task AnUnknownPathParameterIs404(string route, string parameter)
    {
        var row = RouteTable.Find(route);
        await _world.ResetAsync();
        await row.ArrangeAsync(_world);
        var before = await _world.SnapshotAsync();
        var unknown = parameter switch
        {
            "c" => Nowhere,
            "d" => "nodevice",
            "v" => "99",
            "id" => "999999",
            "user" => "nouser",
            _ => "nokey",
        };
        using var request = parameter switch
        {
            "c" => _world.Request(row, row.Query(_world), row.Body(), c: unknown),
            "d" => _world.Request(row, row.Query(_world), row.Body(), d: unknown),
            "v" => _world.Request(row, row.Query(_world), row.Body(), v: unknown),
            "id" => _world.Request(row, row.Query(_world), row.Body(), id: unknown),
            "user" => _world.Request(row, row.Query(_world), row.Body(), user: unknown),
            _ => _world.Request(row, row.Query(_world), row.Body(), name: unknown),
        };

        using var response = await _world.As(row.Role).SendAsync(request);

        Assert.Contains(unknown, await ProblemDetailAsync(response, HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.Equal(before, await _world.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task AMalformedJsonBodyIs400(string route)
    {
        var row = RouteTable.Find(route);
        using var request = _world.Request(row, row.Query(_world), new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        using var response = await _world.As(row.Role).SendAsync(request);

        await ProblemDetailAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task EveryRefusalIsAProblemWithItsReasonAndChangesNothing(string problem)
    {
        var refusal = RouteProblems.Find(problem);
        var row = RouteTable.Find(refusal.Route);
        await _world.ResetAsync();
        await (refusal.ArrangeAsync ?? row.ArrangeAsync)(_world);
        var before = await _world.SnapshotAsync();
        using var request = refusal.Send is { } send ? send(_world, row) : row.Request(_world);

        using var response = await _world.As(row.Role).SendAsync(request);

        var detail = await ProblemDetailAsync(response, refusal.Status);
        Assert.Contains(refusal.Detail ?? "", detail, StringComparison.Ordinal);
        Assert.Equal(before, await _world.SnapshotAsync());
    }

    [Fact]
    public async Task TheSlashedChannelIsTakenUnencodedInEveryBodyField()
    {
        await _world.ResetAsync();
        await RouteTable.WithImage(_world);
        await _world.ChannelAsync(Source, Mako);
        await _world.AliasAsync("ubuntu-touch/stable/retargeted", Source);
        await _world.ChannelAsync("ubuntu-touch/stable/redirected");
        var admin = _world.As(Role.Admin);
        var publisher = _world.As(Role.Publisher);

        var alias = await ApiClient.JsonAsync(admin.PostAsJsonAsync("/api/v1/channels", new { name = "ubuntu-touch/stable/alias", alias = Slashed }));
        var redirect = await ApiClient.JsonAsync(admin.PostAsJsonAsync("/api/v1/channels", new { name = "ubuntu-touch/stable/redirect", redirect = Slashed, hidden = true }));
        var copied = await ApiClient.JsonAsync(admin.PostAsJsonAsync("/api/v1/channels", new { name = "ubuntu-touch/stable/copy", copyDevicesFrom = Slashed }));
        var retargeted = await ApiClient.JsonAsync(admin.PatchAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString("ubuntu-touch/stable/retargeted")}", new { alias = Slashed }));
        var device = await ApiClient.JsonAsync(admin.PostAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString("ubuntu-touch/stable/redirected")}/devices", new { name = Mako, redirect = Slashed }));
        var config = await ApiClient.JsonAsync(admin.PutAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString(Source)}/config", new { type = "manual", deltaBase = new[] { Slashed } }));
        var copy = await ApiClient.JsonAsync(publisher.PostAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString(Source)}/devices/{Mako}/images/copy", new { fromChannel = Slashed }));
        var copyChannel = Uri.EscapeDataString("ubuntu-touch/stable/copy");
        var preview = await ApiClient.JsonAsync(publisher.GetAsync(new Uri($"/api/v1/channels/{copyChannel}/promote?fromChannel={Segment}", UriKind.Relative)));
        var promoted = await ApiClient.JsonAsync(publisher.PostAsJsonAsync($"/api/v1/channels/{copyChannel}/promote", new { fromChannel = Slashed }));
        await ApiClient.JsonAsync(admin.PostAsJsonAsync($"/api/v1/channels/{Segment}/rename", new { newName = "ubuntu-touch/stable/old" }));
        var renamed = await ApiClient.JsonAsync(admin.PostAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString("ubuntu-touch/stable/old")}/rename", new { newName = Slashed }));

        Assert.Equal(Slashed, RouteTable.Text(alias, "alias"));
        Assert.Equal(Slashed, RouteTable.Text(redirect, "redirect"));
        Assert.Equal(Mako, RouteTable.Text(copied["devices"]![0], "name"));
        Assert.Equal(Slashed, RouteTable.Text(retargeted, "alias"));
        Assert.Equal(Slashed, RouteTable.Text(device, "redirect"));
        Assert.Equal(Slashed, config["deltaBase"]![0]!.GetValue<string>());
        Assert.Equal(1, copy["version"]!.GetValue<int>());
        Assert.Equal((Mako, Mako), (RouteTable.Text(preview["devices"]![0], "device"), RouteTable.Text(promoted["devices"]![0], "device")));
        Assert.Equal(Slashed, RouteTable.Text(renamed, "name"));
        var channels = await ApiClient.JsonAsync(_world.As(Role.Viewer).GetAsync(new Uri("/api/v1/channels", UriKind.Relative)));
        Assert.Equal(Slashed, RouteTable.Text(channels.AsArray().Single(c => RouteTable.Text(c, "name") == "ubuntu-touch/stable/alias"), "alias"));
    }

    /// <summary>The detail of a problem response with <paramref name="status"/>; fails unless it is <c>application/problem+json</c> with a detail.</summary>
    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} instead of {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonNode.Parse(body)?["detail"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(detail), $"no detail: {body}");
        return detail!;
    }

    /// <summary>A route pattern as the table writes it: <c>/api/v1/jobs/{id}</c> for <c>/api/v1/jobs/{id:int}</c>, no trailing slash.</summary>
    private static string PathOf(RoutePattern pattern) => "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => "",
    }))));
}
