namespace SystemImage.Server.Metrics;

/// <summary>The Prometheus endpoint at <c>/metrics</c> and the HTTP request metrics behind it.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "SystemImage:Metrics";

    /// <summary>Serve <c>/metrics</c> and count HTTP requests. When false, neither happens and <c>/metrics</c> is a 404. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Require a viewer token (or sign-in) for <c>/metrics</c>. Default false: Prometheus scrapers usually send none.</summary>
    public bool RequireAuthentication { get; set; }
}
