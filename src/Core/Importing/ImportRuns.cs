using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>
/// Import runs as the API, the UI and the jobs see them: queue one, run it with its progress and log kept in the
/// database (so another process, such as a verb or the server, can follow it), list and read them.
/// </summary>
public sealed partial class ImportRuns(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    ImportService importer,
    TimeProvider time,
    ILogger<ImportRuns> logger)
{
    private TimeProvider Time => time;

    private ILogger Logger => logger;

    /// <summary>How often a running import's progress is written to the database at most.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Raised in this process whenever a run's state, progress or log changes (for live views).</summary>
    public event Action<int>? Changed;

    /// <summary>Records a queued run of <paramref name="channel"/> (or, for another <paramref name="kind"/>, a tree-wide job); returns its id.</summary>
    public async Task<int> QueueAsync(string channel, string trigger, Actor actor, CancellationToken cancellationToken, string kind = ImportRun.ImportKind)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = new ImportRun { Kind = kind, Channel = channel, Trigger = trigger, Actor = $"{actor.Name} ({actor.Surface})", QueuedAt = time.GetUtcNow() };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        Changed?.Invoke(run.Id);
        return run.Id;
    }

    /// <summary>The queued or running run of <paramref name="channel"/>, if any.</summary>
    public async Task<ImportRun?> ActiveRunAsync(string channel, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImportRuns.AsNoTracking()
            .Where(r => r.Channel == channel && (r.State == ImportRunState.Queued || r.State == ImportRunState.Running))
            .OrderBy(r => r.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Records a run that was not started, with the reason; returns its id.</summary>
    public async Task<int> RecordSkippedAsync(string channel, string trigger, Actor actor, string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var run = new ImportRun
        {
            Channel = channel,
            Trigger = trigger,
            Actor = $"{actor.Name} ({actor.Surface})",
            State = ImportRunState.Skipped,
            QueuedAt = now,
            FinishedAt = now,
            Summary = reason,
            Log = $"{now:yyyy-MM-dd HH:mm:ss} {reason}\n",
        };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        Changed?.Invoke(run.Id);
        return run.Id;
    }

    /// <summary>Remembers which background job runs <paramref name="runId"/>.</summary>
    public async Task SetJobIdAsync(int runId, string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ImportRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.JobId, jobId), cancellationToken);
    }

    /// <summary>Runs the queued run <paramref name="runId"/>; <paramref name="also"/> sees the same log and progress (a console, say).</summary>
    public async Task<ImportOutcome> RunAsync(int runId, Actor actor, CancellationToken cancellationToken, IImportReporter? also = null)
    {
        ImportOutcome? outcome = null;
        await ExecuteAsync(runId, also, "Cancelled; images committed before the cancellation stay published.", async (run, reporter, token) =>
        {
            outcome = await importer.ImportAsync(run.Channel, actor, reporter, token);
            var state = !outcome.Result.Succeeded ? ImportRunState.Failed : outcome.Published ? ImportRunState.Succeeded : ImportRunState.NothingNew;
            return (state, outcome.Result.Message);
        }, cancellationToken);
        return outcome!;
    }

    /// <summary>Runs a queued tree-wide job with <paramref name="work"/>, recording its state, outcome and log like an import.</summary>
    public async Task<OperationResult> RunWorkAsync(int runId, Func<IImportReporter, CancellationToken, Task<OperationResult>> work, CancellationToken cancellationToken)
    {
        OperationResult? result = null;
        await ExecuteAsync(runId, null, "Cancelled.", async (_, reporter, token) =>
        {
            result = await work(reporter, token);
            reporter.Log(result.Message);
            return (result.Succeeded ? ImportRunState.Succeeded : ImportRunState.Failed, result.Message);
        }, cancellationToken);
        return result!;
    }

    /// <summary>
    /// Marks the run as running in this process, runs <paramref name="body"/> with a reporter that keeps the run's
    /// log and progress, and records how it ended: the state and summary the body gives, cancelled, or failed.
    /// </summary>
    private async Task ExecuteAsync(
        int runId, IImportReporter? also, string cancelledSummary,
        Func<ImportRun, IImportReporter, CancellationToken, Task<(ImportRunState State, string Summary)>> body, CancellationToken cancellationToken)
    {
        ImportRun run;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            run = await db.ImportRuns.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
                ?? throw new InvalidOperationException($"Job {runId} does not exist.");
            run.State = ImportRunState.Running;
            run.StartedAt = time.GetUtcNow();
            run.Runner = ThisProcess;
            await db.SaveChangesAsync(cancellationToken);
        }

        Changed?.Invoke(runId);
        var reporter = new RunReporter(this, runId, also);
        var (state, summary) = (ImportRunState.Failed, "Failed.");
        try
        {
            (state, summary) = await body(run, reporter, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (state, summary) = (ImportRunState.Cancelled, cancelledSummary);
            reporter.Log(summary);
            throw;
        }
        catch (Exception e)
        {
            summary = $"Failed: {e.Message.ReplaceLineEndings(" ")}";
            reporter.Log(summary);
            LogFailed(logger, e, run.Kind == ImportRun.ImportKind ? run.Channel : run.Kind, runId);
            throw;
        }
        finally
        {
            await reporter.FinishAsync(state, summary);
        }
    }

    public async Task<ImportRun?> GetAsync(int runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
    }

    /// <summary>Marks runs left running by a process of this machine that no longer exists as failed; returns how many. Call at start-up.</summary>
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orphans = (await db.ImportRuns.Where(r => r.State == ImportRunState.Running).ToListAsync(cancellationToken))
            .Where(r => !IsAlive(r.Runner))
            .ToList();
        foreach (var run in orphans)
        {
            run.State = ImportRunState.Failed;
            run.FinishedAt = time.GetUtcNow();
            run.Summary = "Interrupted: the process running it stopped.";
        }

        await db.SaveChangesAsync(cancellationToken);
        return orphans.Count;
    }

    private static string ThisProcess => $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>False only when the runner was a process of this machine that is gone.</summary>
    private static bool IsAlive(string? runner)
    {
        var separator = runner?.LastIndexOf(':') ?? -1;
        if (runner is null || separator < 0 || !int.TryParse(runner[(separator + 1)..], out var pid))
        {
            return false;
        }

        if (runner[..separator] != Environment.MachineName)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async Task SaveAsync(int runId, Action<ImportRun> update)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var run = await db.ImportRuns.FirstAsync(r => r.Id == runId);
        update(run);
        await db.SaveChangesAsync();
        Changed?.Invoke(runId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the progress of import run {RunId}")]
    private static partial void LogProgressNotSaved(ILogger logger, Exception exception, int runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {RunId} ({What}) failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what, int runId);

    /// <summary>Collects a run's log and progress in memory and writes them at most once per <see cref="FlushInterval"/>.</summary>
    private sealed class RunReporter(ImportRuns runs, int runId, IImportReporter? also) : IImportReporter
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
                _pendingLines.Add($"{runs.Time.GetUtcNow():yyyy-MM-dd HH:mm:ss} {message.ReplaceLineEndings(" ")}");
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

        public Task FinishAsync(ImportRunState state, string summary) => FlushAsync(run =>
        {
            run.State = state;
            run.Summary = summary;
            run.FinishedAt = runs.Time.GetUtcNow();
            run.Device = null;
            run.File = null;
        });

        private void FlushIfDue()
        {
            if (runs.Time.GetUtcNow() - _lastFlush < FlushInterval)
            {
                return;
            }

            try
            {
                FlushAsync(null).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is DbUpdateException or Microsoft.Data.Sqlite.SqliteException)
            {
                // Progress is best effort: the import must not fail because of its own bookkeeping; the lines stay
                // in the run's log only if a later flush succeeds, and the final one is not best effort.
                LogProgressNotSaved(runs.Logger, e, runId);
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
}
