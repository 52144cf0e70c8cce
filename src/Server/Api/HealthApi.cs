using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Hosting;

namespace SystemImage.Server.Api;

/// <summary><c>/health</c>: liveness plus database and publish-root status.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], GetHealthAsync).WithTags("Health");
        return app;
    }

    private static async Task<JsonHttpResult<HealthReport>> GetHealthAsync(DataDirectory dataDirectory, CancellationToken cancellationToken)
    {
        var (databaseOk, rootOk, detail) = await dataDirectory.CheckHealthAsync(cancellationToken);
        var healthy = databaseOk && rootOk;
        var report = new HealthReport(healthy ? "healthy" : "unhealthy", databaseOk ? "ok" : "failing", rootOk ? "ok" : "failing", detail.Length == 0 ? null : detail);
        return TypedResults.Json(report, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    internal sealed record HealthReport(string Status, string Database, string PublishRoot, string? Detail);
}
