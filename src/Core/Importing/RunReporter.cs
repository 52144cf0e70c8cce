using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>Collects a run's log and progress in memory and writes them at most once per <see cref="ImportRuns.FlushInterval"/>.</summary>
internal sealed class RunReporter(ImportRuns runs, int runId, IImportReporter? also) : IImportReporter
{
    private readonly Lock _gate = new();
    private readonly List<string> _pendingLines = [];
    private (string? Device, string? File, long Done, long? Total) _progress;
    private DateTimeOffset _lastFlush = DateTimeOffset.MinValue;

    public void Log(string message)
    {
        also?.Log(message);
        lock (_gate)
        {
            _pendingLines.Add(Line(message));
        }

        FlushIfDue();
    }

    public void Progress(string device, string? file, long bytesDone, long? bytesTotal)
    {
        also?.Progress(device, file, bytesDone, bytesTotal);
        lock (_gate)
        {
            _progress = (device, file, bytesDone, bytesTotal);
        }

        FlushIfDue();
    }

    /// <summary>
    /// Records how the run ended, with the rest of its log; returns the state and summary recorded. A run someone else
    /// ended meanwhile (failed as interrupted) keeps what they recorded. A cancelled run names who asked for it; a run
    /// whose cancel came after its work had finished says so in its log.
    /// </summary>
    /// <param name="state">How the work ended.</param>
    /// <param name="summary">The outcome in one line; for a cancel, what follows "Cancelled by …" (e.g. "; images … stay published.").</param>
    public async Task<(ImportRunState State, string Summary)> FinishAsync(ImportRunState state, string summary)
    {
        (ImportRunState, string) recorded = (state, summary);
        await FlushAsync(run =>
        {
            if (run.State != ImportRunState.Running)
            {
                recorded = (run.State, run.Summary ?? "");
                run.Log += Line($"The work stopped: the job had been marked {run.State.ToString().ToLowerInvariant()} meanwhile.") + "\n";
                return;
            }

            if (state != ImportRunState.Cancelled && run.CancelRequestedBy is { } late)
            {
                run.Log += Line($"The cancel asked for by {late} came too late: the work had already finished.") + "\n";
            }

            if (state == ImportRunState.Cancelled)
            {
                summary = $"Cancelled{(run.CancelRequestedBy is { } who ? $" by {who}" : ": the process running it was stopped")}{summary}";
                run.Log += Line(summary) + "\n";
                if (also is not null)
                {
                    also.Log(summary);
                }
            }

            run.State = state;
            run.Summary = summary;
            run.FinishedAt = runs.Time.GetUtcNow();
            run.LeaseUntil = null;
            run.Device = null;
            run.File = null;
            recorded = (state, summary);
        });
        return recorded;
    }

    private string Line(string message) => $"{runs.Time.GetUtcNow():yyyy-MM-dd HH:mm:ss} {message.ReplaceLineEndings(" ")}";

    private void FlushIfDue()
    {
        if (runs.Time.GetUtcNow() - _lastFlush < ImportRuns.FlushInterval)
        {
            return;
        }

        try
        {
            FlushAsync(null).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            // Progress is best effort: the import must not fail because of its own bookkeeping; the lines stay
            // in the run's log only if a later flush succeeds, and the final one is not best effort.
            ImportRuns.LogProgressNotSaved(runs.Logger, e, runId);
        }
    }

    private Task FlushAsync(Action<ImportRun>? finish)
    {
        string lines;
        (string? Device, string? File, long Done, long? Total) progress;
        lock (_gate)
        {
            lines = string.Concat(_pendingLines.Select(l => l + "\n"));
            _pendingLines.Clear();
            progress = _progress;
            _lastFlush = runs.Time.GetUtcNow();
        }

        return runs.SaveAsync(runId, run =>
        {
            run.Log += lines;
            (run.Device, run.File, run.BytesDone, run.BytesTotal) = progress;
            finish?.Invoke(run);
        });
    }
}
