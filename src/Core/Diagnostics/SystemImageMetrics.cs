using System.Diagnostics;
using System.Diagnostics.Metrics;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Diagnostics;

/// <summary>
/// The server's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/>: publishes, imports, the
/// size of the tree and the days left on each signing key. Instrument names already carry their Prometheus unit
/// suffix, because the host exports them as Prometheus text with the meter name as prefix
/// (<c>systemimage_publish_duration_seconds</c>).
/// </summary>
public sealed class SystemImageMetrics
{
    /// <summary>The name of the meter every instrument lives on.</summary>
    public const string MeterName = "SystemImage";

    private readonly Histogram<double> _publishDuration;
    private readonly Counter<long> _publishFilesWritten;
    private readonly Histogram<double> _importDuration;
    private readonly Counter<long> _downloads;
    private readonly TimeProvider _time;

    /// <param name="meterFactory">The host's meter factory; it owns (and disposes) the meter.</param>
    /// <param name="treeSize">The cached walk of the publish root behind the tree size gauges.</param>
    /// <param name="keys">The signing keys behind the key expiry gauge.</param>
    /// <param name="time">The clock for durations and days until expiry.</param>
    public SystemImageMetrics(IMeterFactory meterFactory, TreeSizeCache treeSize, KeyStore keys, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _publishDuration = meter.CreateHistogram(
            "publish_duration_seconds", "s", "Time taken by one publish of the tree (indexes, keyrings, channels.json).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _publishFilesWritten = meter.CreateCounter<long>(
            "publish_files_written", "{file}", "Files (indexes, keyrings, channels.json and their signatures) written by publishes.");
        _importDuration = meter.CreateHistogram(
            "import_duration_seconds", "s", "Time taken by one import of an automatic channel, by channel and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] });
        _downloads = meter.CreateCounter<long>(
            "downloads_total", "{download}", "Completed downloads the server served, by channel, device, version and kind (full, delta, checkin).");
        meter.CreateObservableGauge("tree_size_bytes", () => treeSize.Measure().Bytes, "By", "Bytes of all files in the publish root.");
        meter.CreateObservableGauge("tree_files", () => treeSize.Measure().Files, "{file}", "Number of files in the publish root.");
        meter.CreateObservableGauge("signing_key_expiry_days", () => KeyExpiryDays(keys, time.GetUtcNow()), "d", "Days until each signing key expires (keys without expiry are left out).");
    }

    /// <summary>Records one finished publish.</summary>
    public void RecordPublish(int filesWritten, TimeSpan elapsed)
    {
        _publishDuration.Record(elapsed.TotalSeconds);
        _publishFilesWritten.Add(filesWritten);
    }

    /// <summary>
    /// Adds flushed download counts. The labels' values come from the images published (never from a request), so
    /// there are at most as many series as images in the tree; a series that stops changing expires after a day.
    /// </summary>
    public void RecordDownloads(IReadOnlyDictionary<Adoption.DownloadTarget, long> counts)
    {
        foreach (var (target, count) in counts)
        {
            _downloads.Add(
                count,
                new KeyValuePair<string, object?>("channel", target.Channel),
                new KeyValuePair<string, object?>("device", target.Device),
                new KeyValuePair<string, object?>("version", target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, object?>("kind", Adoption.DownloadKinds.Label(target.Kind)));
        }
    }

    /// <summary>Runs <paramref name="import"/> and records its duration and outcome, also when it throws.</summary>
    public async Task<ImportOutcome> MeasureImportAsync(string channel, Func<Task<ImportOutcome>> import)
    {
        var started = _time.GetTimestamp();
        var outcome = ImportOutcomeKind.Failed;
        try
        {
            var result = await import();
            outcome = OutcomeOf(result);
            // An unknown channel name comes from the caller: keep it out of the labels.
            channel = result.Result.Status == OperationStatus.NotFound ? "" : channel;
            return result;
        }
        finally
        {
            _importDuration.Record(
                _time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("channel", channel),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    internal static string OutcomeOf(ImportOutcome outcome) => outcome switch
    {
        { Result.Succeeded: false } => ImportOutcomeKind.Refused,
        { Published: true } => ImportOutcomeKind.Published,
        _ => ImportOutcomeKind.NothingNew,
    };

    /// <summary>One measurement per key that has an expiry; none while the keys are missing or unreadable.</summary>
    internal static List<Measurement<double>> KeyExpiryDays(KeyStore keys, DateTimeOffset now)
    {
        var days = new List<Measurement<double>>();
        if (!keys.HasKeys)
        {
            return days;
        }

        try
        {
            foreach (var name in KeyNames.All)
            {
                if (keys.Describe(name).Expiry is { } expiry)
                {
                    days.Add(new Measurement<double>((expiry - now).TotalDays, new KeyValuePair<string, object?>("key", name)));
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Keys replaced or removed under us: report nothing rather than fail the whole scrape.
            days.Clear();
        }

        return days;
    }
}
