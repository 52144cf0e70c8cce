using Microsoft.Extensions.Logging;
using SystemImage.Core.Diagnostics;

namespace SystemImage.Core.Adoption;

/// <summary>
/// Moves the counts <see cref="DownloadCounter"/> holds in memory into the database (and the downloads counter of
/// <c>/metrics</c>): the host calls it every few seconds and once more when it stops.
/// </summary>
public sealed partial class DownloadFlusher(
    DownloadCounter counter, DownloadTargets targets, DownloadStore store, SystemImageMetrics metrics, TimeProvider time, ILogger<DownloadFlusher> logger)
{
    /// <summary>Writes what was counted since the last flush; returns the number of downloads written.</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        var drained = counter.Drain();
        if (drained.Count == 0)
        {
            return 0;
        }

        try
        {
            var resolved = await targets.ResolveAsync(drained.Select(d => d.Key), cancellationToken);
            var totals = new Dictionary<DownloadTarget, long>();
            foreach (var (path, count) in drained)
            {
                foreach (var target in resolved.GetValueOrDefault(path) ?? [])
                {
                    totals[target] = totals.GetValueOrDefault(target) + count;
                }
            }

            var now = time.GetUtcNow();
            await store.AddAsync([.. totals.Select(t => (now, t.Key, t.Value))], cancellationToken);
            metrics.RecordDownloads(totals);
            return totals.Values.Sum();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Kept for the next flush rather than lost (a database busy with a long write, a full disk).
            foreach (var (path, count) in drained)
            {
                counter.Add(path, count);
            }

            LogFlushFailed(logger, e.Message);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download counts not written yet, kept for the next try: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string reason);
}
