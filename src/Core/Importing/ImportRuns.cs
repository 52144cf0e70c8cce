using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>
/// Import runs as the API, the UI and the jobs see them: queue one, run it with its progress and log kept in the
/// database (so another process, such as a verb or the server, can follow it), cancel it, list and read them. A run is
/// held by a lease (<see cref="RunLeases"/>): one nobody holds any more is failed as interrupted by whoever looks next.
/// </summary>
public sealed partial class ImportRuns(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    ImportService importer,
    RunLeases leases,
    AuditLog audit,
    IOptions<ImportOptions> options,
    TimeProvider time,
    ILogger<ImportRuns> logger,
    IJobQueue? jobQueue = null)
{
    /// <summary>How often a running import's progress is written to the database at most.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>The heartbeats of the runs this process executes, to stop one at once when it is cancelled here.</summary>
    private readonly ConcurrentDictionary<int, RunHeartbeat> _running = new();

    private readonly RunCancellation _cancellation = new(dbFactory, audit, time, jobQueue);

    /// <summary>Raised in this process whenever a run's state, progress or log changes (for live views).</summary>
    public event Action<int>? Changed;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    /// <summary>
    /// Records a queued run of <paramref name="channel"/> (or, for another <paramref name="kind"/>, a tree-wide job);
    /// returns its id. Runs nobody holds any more are failed first.
    /// </summary>
    public async Task<int> QueueAsync(string channel, string trigger, Actor actor, CancellationToken cancellationToken, string kind = ImportRun.ImportKind)
    {
        await FailInterruptedAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = new ImportRun
        {
            Kind = kind,
            Channel = channel,
            Trigger = trigger,
            Actor = RunText.Name(actor),
            QueuedAt = time.GetUtcNow(),
            LeaseUntil = leases.NewLease(),
        };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        Changed?.Invoke(run.Id);
        return run.Id;
    }

    /// <summary>The queued or running run of <paramref name="channel"/>, if any, after failing the runs nobody holds any more.</summary>
    public async Task<ImportRun?> ActiveRunAsync(string channel, CancellationToken cancellationToken)
    {
        await FailInterruptedAsync(cancellationToken);
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
            Actor = RunText.Name(actor),
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

    /// <summary>Remembers which background job runs <paramref name="runId"/>; a queued run's lease starts again (the job has it now).</summary>
    public async Task SetJobIdAsync(int runId, string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        DateTimeOffset? lease = leases.NewLease();
        await db.ImportRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.JobId, jobId)
            .SetProperty(r => r.LeaseUntil, r => r.State == ImportRunState.Queued ? lease : r.LeaseUntil), cancellationToken);
    }

    /// <summary>
    /// Runs the queued run <paramref name="runId"/>; <paramref name="also"/> sees the same log and progress (a console, say).
    /// A run that is no longer queued (cancelled, or failed as interrupted) is not run: the outcome says so.
    /// </summary>
    public async Task<ImportOutcome> RunAsync(int runId, Actor actor, CancellationToken cancellationToken, IImportReporter? also = null)
    {
        ImportOutcome? outcome = null;
        var ended = await ExecuteAsync(runId, also, "; images committed before the cancellation stay published.", async (run, reporter, token) =>
        {
            outcome = await importer.ImportAsync(run.Channel, actor, reporter, token);
            var state = !outcome.Result.Succeeded ? ImportRunState.Failed : outcome.Published ? ImportRunState.Succeeded : ImportRunState.NothingNew;
            return (state, outcome.Result.Message);
        }, cancellationToken);
        return outcome is not null && ended.State != ImportRunState.Cancelled
            ? outcome
            : new ImportOutcome(OperationResult.Conflict(ended.Summary), outcome?.Devices ?? [], outcome?.Duration ?? TimeSpan.Zero);
    }

    /// <summary>Runs a queued tree-wide job with <paramref name="work"/>, recording its state, outcome and log like an import.</summary>
    public async Task<OperationResult> RunWorkAsync(int runId, Func<IImportReporter, CancellationToken, Task<OperationResult>> work, CancellationToken cancellationToken)
    {
        OperationResult? result = null;
        var ended = await ExecuteAsync(runId, null, ".", async (_, reporter, token) =>
        {
            result = await work(reporter, token);
            reporter.Log(result.Message);
            return (result.Succeeded ? ImportRunState.Succeeded : ImportRunState.Failed, result.Message);
        }, cancellationToken);
        return result is not null && ended.State != ImportRunState.Cancelled ? result : OperationResult.Conflict(ended.Summary);
    }

    public async Task<ImportRun?> GetAsync(int runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is { State: ImportRunState.Queued or ImportRunState.Running } && (run.LeaseUntil is null || run.LeaseUntil < time.GetUtcNow()))
        {
            if ((await FailInterruptedAsync(cancellationToken)).Contains(runId))
            {
                return await db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            }
        }

        return run;
    }

    /// <summary>
    /// Fails the queued and running runs nobody holds any more (see <see cref="RunLeases.FailExpiredAsync"/>); returns
    /// their ids. Start-up, the scheduler, a new import and the job listings call it.
    /// </summary>
    public async Task<IReadOnlyList<int>> FailInterruptedAsync(CancellationToken cancellationToken)
    {
        var failed = await leases.FailExpiredAsync(cancellationToken);
        foreach (var runId in failed)
        {
            Changed?.Invoke(runId);
        }

        return failed;
    }

    /// <summary>
    /// Whether a running job may be stopped: an import, yes (each image is committed whole); a re-sign or key rotation
    /// that stopped half-way would leave files signed by two keys, so only a queued one is cancelled.
    /// </summary>
    public static bool CanStopWhileRunning(ImportRun run) => RunCancellation.CanStopWhileRunning(run);

    /// <summary>
    /// Cancels run <paramref name="runId"/> (see <see cref="RunCancellation"/>); a running import this process runs stops
    /// at once, one another process runs at its next heartbeat. Returns the run as it is after the request.
    /// </summary>
    public async Task<(OperationResult Result, ImportRun? Run)> CancelAsync(int runId, Actor actor, CancellationToken cancellationToken)
    {
        await FailInterruptedAsync(cancellationToken);
        var cancelled = await _cancellation.CancelAsync(runId, actor, StopHere, cancellationToken);
        if (cancelled.Result.Succeeded)
        {
            Changed?.Invoke(runId);
        }

        return cancelled;
    }

    /// <summary>
    /// Marks the run as running in this process, runs <paramref name="body"/> with a reporter that keeps the run's log
    /// and progress and a heartbeat that keeps its lease, and records how it ended: the state and summary the body
    /// gives, cancelled, or failed. Returns what was recorded; a run that was not queued is not run.
    /// </summary>
    private async Task<(ImportRunState State, string Summary)> ExecuteAsync(
        int runId, IImportReporter? also, string cancelledSummary,
        Func<ImportRun, IImportReporter, CancellationToken, Task<(ImportRunState State, string Summary)>> body, CancellationToken cancellationToken)
    {
        ImportRun run;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var lease = leases.NewLease();
            var started = await db.ImportRuns.Where(r => r.Id == runId && r.State == ImportRunState.Queued).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, ImportRunState.Running)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.Runner, ThisProcess)
                .SetProperty(r => r.LeaseUntil, lease), cancellationToken);
            run = await ReadAsync(db, runId) ?? throw new InvalidOperationException($"Job {runId} does not exist.");
            if (started == 0)
            {
                LogNotQueued(logger, runId, run.State);
                return (run.State, $"Job {runId} was not run: it is {RunText.State(run.State)}{(run.Summary is { } s ? $" ({s})" : "")}.");
            }
        }

        Changed?.Invoke(runId);
        var reporter = new RunReporter(this, runId, also);
        var (state, summary) = (ImportRunState.Failed, "Failed.");
        var heartbeat = new RunHeartbeat(leases, runId, options.Value.RunHeartbeat, time, logger, cancellationToken);
        _running[runId] = heartbeat;
        try
        {
            (state, summary) = await body(run, reporter, heartbeat.Token);
        }
        catch (OperationCanceledException) when (heartbeat.Token.IsCancellationRequested)
        {
            (state, summary) = (ImportRunState.Cancelled, cancelledSummary);

            // The caller's own cancellation (the host stopping) goes on up; a cancel or a job ended elsewhere is a normal end.
            if (cancellationToken.IsCancellationRequested)
            {
                await EndAsync(runId, heartbeat, reporter, state, summary);
                throw;
            }
        }
        catch (Exception e)
        {
            summary = $"Failed: {e.Message.ReplaceLineEndings(" ")}";
            reporter.Log(summary);
            LogFailed(logger, e, run.Kind == ImportRun.ImportKind ? run.Channel : run.Kind, runId);
            await EndAsync(runId, heartbeat, reporter, state, summary);
            throw;
        }

        return await EndAsync(runId, heartbeat, reporter, state, summary);
    }

    private async Task<(ImportRunState State, string Summary)> EndAsync(int runId, RunHeartbeat heartbeat, RunReporter reporter, ImportRunState state, string summary)
    {
        _running.TryRemove(runId, out _);
        await heartbeat.DisposeAsync();
        leases.DeleteLeaseFile(runId);
        return await reporter.FinishAsync(state, summary);
    }

    internal async Task SaveAsync(int runId, Action<ImportRun> update)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var run = await db.ImportRuns.FirstAsync(r => r.Id == runId);
        update(run);
        await db.SaveChangesAsync();
        Changed?.Invoke(runId);
    }

    private static Task<ImportRun?> ReadAsync(SystemImageDbContext db, int runId) =>
        db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId);

    private void StopHere(int runId)
    {
        if (_running.TryGetValue(runId, out var heartbeat))
        {
            heartbeat.Stop();
        }
    }

    /// <summary>The process running a run, for people reading the record; it decides nothing.</summary>
    private static string ThisProcess => $"{Environment.MachineName}:{Environment.ProcessId}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the progress of import run {RunId}")]
    internal static partial void LogProgressNotSaved(ILogger logger, Exception exception, int runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {RunId} ({What}) failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what, int runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {RunId} was not run: it is {State}, not queued")]
    private static partial void LogNotQueued(ILogger logger, int runId, ImportRunState state);
}
