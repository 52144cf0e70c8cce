using System.Net;

namespace SystemImage.Server.Tests;

/// <summary>
/// A request to one route of the matrix that API.md says must be refused (400, 404 or 409), and why. Without
/// <see cref="ArrangeAsync"/> the route's own arrangement is made; without <see cref="Send"/> its successful call is sent.
/// </summary>
internal sealed record ProblemCase(string Route, HttpStatusCode Status, string Why)
{
    public string Key => $"{Route}: {Why}";

    public Func<RouteWorld, Task>? ArrangeAsync { get; init; }

    public Func<RouteWorld, MatrixRoute, HttpRequestMessage>? Send { get; init; }

    /// <summary>A piece of the problem's detail that shows it is this refusal and not another.</summary>
    public string? Detail { get; init; }
}
