using System.Diagnostics.Metrics;
using Prometheus;
using SystemImage.Core.Diagnostics;

namespace SystemImage.Server.Metrics;

/// <summary>
/// This host's Prometheus registry: the <see cref="SystemImageMetrics.MeterName"/> meter (through prometheus-net's
/// meter adapter), the HTTP request metrics and the process/.NET stats. It is owned by the host rather than being
/// prometheus-net's static default registry, so two hosts in one process (the tests) never mix their numbers.
/// </summary>
internal sealed class PrometheusExport : IDisposable
{
    // The adapter drops a series that has not changed for this long. Its 5-minute default would make the counts of
    // hourly imports vanish and restart from zero between runs; one day is the most it accepts.
    private static readonly TimeSpan SeriesLifetime = TimeSpan.FromDays(1);

    private readonly IDisposable _meterAdapter;

    /// <param name="meterFactory">The host's meter factory: only meters it created are exported.</param>
    public PrometheusExport(IMeterFactory meterFactory)
    {
        DotNetStats.Register(Registry);
        _meterAdapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // MetricFactory defaults to the static default registry's factory and wins over Registry: set both.
            MetricFactory = Factory,
            InstrumentFilterPredicate = instrument =>
                instrument.Meter.Name == SystemImageMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory),
            ResolveHistogramBuckets = instrument =>
                (instrument as System.Diagnostics.Metrics.Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray()
                ?? MeterAdapterOptions.DefaultHistogramBuckets,
            MetricsExpireAfter = SeriesLifetime,
        });
    }

    /// <summary>Everything <c>/metrics</c> shows.</summary>
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>Creates metrics in <see cref="Registry"/>.</summary>
    public IMetricFactory Factory => Prometheus.Metrics.WithCustomRegistry(Registry);

    public void Dispose() => _meterAdapter.Dispose();
}
