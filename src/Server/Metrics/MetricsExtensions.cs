using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Prometheus;
using Prometheus.HttpMetrics;
using SystemImage.Core.Diagnostics;
using SystemImage.Server.Jobs;

namespace SystemImage.Server.Metrics;

/// <summary>
/// Prometheus text exposition at <c>/metrics</c> (prometheus-net): the SystemImage meter, HTTP requests by
/// endpoint and status, and process stats. Behind <see cref="MetricsOptions.Enabled"/>.
/// </summary>
public static class MetricsExtensions
{
    /// <summary>Where the exposition is served.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The <c>endpoint</c> label of every request served from the published tree (or by nothing at all).</summary>
    public const string StaticTreeEndpoint = "static";

    private static readonly string[] RequestLabels = [HttpRequestLabelNames.Code, HttpRequestLabelNames.Method, HttpRequestLabelNames.Endpoint];

    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PrometheusExport>();
        return services;
    }

    /// <summary>
    /// Counts and times HTTP requests. Call it before the static tree, so the tree's requests are counted too,
    /// all under one <see cref="StaticTreeEndpoint"/> label instead of one label per file.
    /// </summary>
    public static WebApplication UseMetrics(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
        {
            return app;
        }

        // Creating the meter now exports the tree and key gauges before anything has published.
        app.Services.GetRequiredService<SystemImageMetrics>();
        var factory = app.Services.GetRequiredService<PrometheusExport>().Factory;
        var endpoint = new HttpCustomLabel(HttpRequestLabelNames.Endpoint, EndpointLabel);
        app.UseHttpMetrics(http =>
        {
            // Taken before routing has run, so labelled by method only.
            http.InProgress.Gauge = factory.CreateGauge(
                "http_requests_in_progress", "HTTP requests currently being served, by method.", [HttpRequestLabelNames.Method]);
            http.RequestCount.Counter = factory.CreateCounter(
                "http_requests_received_total", "HTTP requests served, by status code, method and endpoint (route template, or 'static').", RequestLabels);
            http.RequestCount.CustomLabels.Add(endpoint);
            http.RequestDuration.Histogram = factory.CreateHistogram(
                "http_request_duration_seconds", "Time taken to serve HTTP requests, by status code, method and endpoint (route template, or 'static').", RequestLabels);
            http.RequestDuration.CustomLabels.Add(endpoint);
        });
        return app;
    }

    /// <summary>
    /// Maps <c>/metrics</c> (anonymous for now). Returns the endpoint's convention builder, so callers can add
    /// authorization; when metrics are disabled nothing is mapped and conventions are ignored.
    /// </summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled)
        {
            return NoEndpoint.Instance;
        }

        var endpoint = endpoints.MapMetrics(MetricsPath, endpoints.ServiceProvider.GetRequiredService<PrometheusExport>().Registry);
        return endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.RequireAuthentication
            ? endpoint.RequireAuthorization(Security.SecurityExtensions.Viewer)
            : endpoint;
    }

    /// <summary>
    /// The route template of the endpoint that handled the request (also when it threw and the exception handler
    /// answered), the dashboard's path, or <see cref="StaticTreeEndpoint"/>: never the raw path, so the tree's
    /// thousands of files are one label value.
    /// </summary>
    internal static string EndpointLabel(HttpContext context)
    {
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint is RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return template;
        }

        return context.Request.Path.StartsWithSegments(JobsExtensions.DashboardPath) ? JobsExtensions.DashboardPath : StaticTreeEndpoint;
    }

    private sealed class NoEndpoint : IEndpointConventionBuilder
    {
        public static readonly NoEndpoint Instance = new();

        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}
