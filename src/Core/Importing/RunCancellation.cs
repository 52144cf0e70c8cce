using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>
/// Cancelling a run, from any process: a queued one is cancelled at once (its background job deleted, or doing nothing
/// when it comes); a running import is asked to stop (<see cref="ImportRun.CancelRequestedBy"/>, which the heartbeat of
/// whichever process runs it notices) and is recorded as cancelled once it has. Every cancel is audited.
/// </summary>
internal sealed class RunCancellation(
    IDbContextFactory<SystemImageDbContext> dbFactory, AuditLog audit, TimeProvider time, IJobQueue? jobQueue)
{
    /// <summary>
    /// Whether a running job may be stopped: an import commits each image whole, so stopping it at any step leaves a
    /// consistent tree; a re-sign or key rotation that stopped half-way would leave files signed by two keys.
    /// </summary>
    public static bool CanStopWhileRunning(ImportRun run) => run.Kind == ImportRun.ImportKind;

    /// <param name="runId">The run to cancel.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="stopHere">Stops the run at once if this process runs it.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The outcome and the run as it is after the request.</returns>
    public async Task<(OperationResult Result, ImportRun? Run)> CancelAsync(int runId, Actor actor, Action<int> stopHere, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await ReadAsync(db, runId, cancellationToken);
        if (run is null)
        {
            return (OperationResult.NotFound($"There is no job {runId}."), null);
        }

        var who = RunText.Name(actor);
        var now = time.GetUtcNow();
        var what = RunText.Describe(run);
        if (run.State == ImportRunState.Queued)
        {
            var summary = $"Cancelled by {who} before it started.";
            var cancelled = await db.ImportRuns.Where(r => r.Id == runId && r.State == ImportRunState.Queued)
                .EndAsync(ImportRunState.Cancelled, summary, now, cancellationToken, s => s.SetProperty(r => r.CancelRequestedBy, who));
            if (cancelled > 0)
            {
                if (run.JobId is { } jobId)
                {
                    jobQueue?.Delete(jobId);
                }

                await AuditAsync(db, actor, run, "cancelled");
                return (OperationResult.Ok($"Cancelled job {runId} ({what}) before it started."), await ReadAsync(db, runId, cancellationToken));
            }

            // It has just started.
            run = (await ReadAsync(db, runId, cancellationToken))!;
        }

        if (run.State != ImportRunState.Running)
        {
            return (OperationResult.Conflict($"Job {runId} ({what}) has already ended ({RunText.State(run.State)}); only queued or running jobs can be cancelled."), run);
        }

        if (!CanStopWhileRunning(run))
        {
            return (OperationResult.Conflict(
                $"Job {runId} ({what}) is running and cannot be stopped half-way: the tree would be left with files signed by two keys. It takes moments; wait for it."), run);
        }

        var asked = $"{now:yyyy-MM-dd HH:mm:ss} Cancel asked for by {who}.\n";
        var requested = await db.ImportRuns.Where(r => r.Id == runId && r.State == ImportRunState.Running && r.CancelRequestedBy == null).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.CancelRequestedBy, who)
            .SetProperty(r => r.Log, r => r.Log + asked), cancellationToken);

        // Read before stopping it here, so the answer shows the job as it was asked: running, being cancelled.
        var current = await ReadAsync(db, runId, cancellationToken);
        stopHere(runId);
        if (requested == 0)
        {
            return current?.State == ImportRunState.Running
                ? (OperationResult.Ok($"Job {runId} ({what}) is already being cancelled."), current)
                : (OperationResult.Conflict($"Job {runId} ({what}) has already ended ({RunText.State(current?.State ?? run.State)})."), current);
        }

        await AuditAsync(db, actor, run, "cancelling");
        return (OperationResult.Ok($"Cancelling job {runId} ({what}): it stops at its next step and is then recorded as cancelled."), current);
    }

    private async Task AuditAsync(SystemImageDbContext db, Actor actor, ImportRun before, string after)
    {
        audit.Record(db, actor, "cancel-job", $"job {before.Id}", before.Channel.Length == 0 ? null : before.Channel,
            new AuditChange($"{RunText.Describe(before)}, {RunText.State(before.State)}", after));
        await db.SaveChangesAsync();
    }

    private static Task<ImportRun?> ReadAsync(SystemImageDbContext db, int runId, CancellationToken cancellationToken) =>
        db.ImportRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
}
