using System.Net;
using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Server.Tests;

/// <summary>
/// One route of the REST API (API.md) in the route matrix: method and template under <c>/api/v1</c> (parameters
/// without constraints), the least role allowed to call it, and one successful call: what to set up first, the query
/// and body, the status API.md names and the key fields of the result.
/// </summary>
internal sealed record MatrixRoute(string Method, string Template, Role Role, HttpStatusCode Status)
{
    public string Key => $"{Method} {Template}";

    public Func<RouteWorld, Task> ArrangeAsync { get; init; } = _ => Task.CompletedTask;

    public Func<RouteWorld, string?> Query { get; init; } = _ => null;

    public Func<HttpContent?> Body { get; init; } = () => null;

    /// <summary>Checks the successful response (its JSON body, if any).</summary>
    public Action<RouteWorld, HttpResponseMessage, JsonNode?> Expect { get; init; } = (_, _, _) => { };

    /// <summary>Checks after the response, such as a queued job's end.</summary>
    public Func<RouteWorld, JsonNode?, Task> AfterAsync { get; init; } = (_, _) => Task.CompletedTask;

    /// <summary>The parameters of <see cref="Template"/>: <c>c</c>, <c>d</c>, <c>v</c>, <c>id</c>, <c>name</c>.</summary>
    public IEnumerable<string> Parameters => Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}'));

    public bool TakesJson => Body() is System.Net.Http.Json.JsonContent;

    /// <summary>The successful call, as arranged.</summary>
    public HttpRequestMessage Request(RouteWorld world) => world.Request(this, Query(world), Body());
}
