using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Importing;

/// <summary>
/// The leases of queued and running jobs (<see cref="ImportRun.LeaseUntil"/>): renewed by the process that runs a job,
/// judged by any process that shares the data directory. A job whose lease has passed is failed as interrupted, so a
/// killed server, a lost container or a deleted background job never leaves a channel "running" or "queued" for ever.
/// Host names and process ids decide nothing: in containers they change and repeat.
/// </summary>
public sealed partial class RunLeases(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    IOptions<ImportOptions> options,
    IOptions<SystemImageOptions> data,
    TimeProvider time,
    ILogger<RunLeases> logger,
    IJobQueue? queue = null)
{
    /// <summary>
    /// How long a lease renewal or a judgement waits for the database's write lock. A long write transaction elsewhere
    /// must not stall the heartbeat (the lease file still beats) nor a job listing (the next look judges again).
    /// </summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A lease from now.</summary>
    public DateTimeOffset NewLease() => time.GetUtcNow() + options.Value.RunLease;

    /// <summary>
    /// Fails queued and running jobs that nobody holds any more: running ones whose lease has passed (their process
    /// stopped renewing it), queued ones whose lease has passed and whose background job will not run them (it no
    /// longer exists or has ended, or they were queued by a process that stopped before it ran them). Returns their ids.
    /// </summary>
    public async Task<IReadOnlyList<int>> FailExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expired = await db.ImportRuns.AsNoTracking()
            .Where(r => (r.State == ImportRunState.Queued || r.State == ImportRunState.Running) && (r.LeaseUntil == null || r.LeaseUntil < now))
            .Select(r => new { r.Id, r.State, r.JobId, r.LeaseUntil })
            .ToListAsync(cancellationToken);
        var failed = new List<int>();
        db.Database.SetCommandTimeout(WriteTimeout);
        foreach (var run in expired)
        {
            if (ReasonToFail(run.Id, run.State, run.JobId, run.LeaseUntil, now) is not { } reason)
            {
                continue;
            }

            try
            {
                // Only if nobody picked the run up or renewed its lease meanwhile.
                var state = run.State;
                var changed = await db.ImportRuns
                    .Where(r => r.Id == run.Id && r.State == state && (r.LeaseUntil == null || r.LeaseUntil < now))
                    .EndAsync(ImportRunState.Failed, reason, now, cancellationToken);
                if (changed > 0)
                {
                    failed.Add(run.Id);
                    DeleteLeaseFile(run.Id);
                    LogInterrupted(logger, run.Id, reason);
                }
            }
            catch (DbException e)
            {
                LogNotJudged(logger, e, run.Id);
            }
        }

        return failed;
    }

    /// <summary>
    /// One heartbeat of running job <paramref name="runId"/>: renews its lease. False when the job should stop: someone
    /// asked to cancel it (in any process), or it is no longer running (someone else ended it).
    /// </summary>
    internal async Task<bool> RenewAsync(int runId, CancellationToken cancellationToken)
    {
        TouchLeaseFile(runId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.ImportRuns.AsNoTracking()
            .Where(r => r.Id == runId)
            .Select(r => new { r.State, r.CancelRequestedBy })
            .FirstOrDefaultAsync(cancellationToken);
        if (run is not { State: ImportRunState.Running, CancelRequestedBy: null })
        {
            return false;
        }

        db.Database.SetCommandTimeout(WriteTimeout);
        var lease = NewLease();
        try
        {
            await db.ImportRuns.Where(r => r.Id == runId && r.State == ImportRunState.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, lease), cancellationToken);
        }
        catch (DbException e)
        {
            LogNotRenewed(logger, e, runId);
        }

        return true;
    }

    /// <summary>
    /// Beats the lease file of <paramref name="runId"/>: its modification time is the last heartbeat, which a database
    /// held by a long write transaction cannot hold back.
    /// </summary>
    internal void TouchLeaseFile(int runId)
    {
        try
        {
            var path = LeaseFile(runId);
            PrivatePaths.CreateDirectory(Path.GetDirectoryName(path)!);
            using (File.Open(path, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotRenewed(logger, e, runId);
        }
    }

    internal void DeleteLeaseFile(int runId)
    {
        try
        {
            File.Delete(LeaseFile(runId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotRenewed(logger, e, runId);
        }
    }

    private string? ReasonToFail(int runId, ImportRunState state, string? jobId, DateTimeOffset? leaseUntil, DateTimeOffset now)
    {
        if (state == ImportRunState.Running)
        {
            var beat = LastBeatOrNull(runId);
            if (beat is { } last && last + options.Value.RunLease > now)
            {
                return null;
            }

            var since = beat ?? leaseUntil - options.Value.RunLease;
            return $"Interrupted: the process running it stopped{(since is { } t ? $" (no heartbeat since {t:yyyy-MM-dd HH:mm:ss} UTC)" : "")}.";
        }

        if (jobId is null)
        {
            return "Interrupted: the process that queued it stopped before running it.";
        }

        // Without the server's queue (a verb), a job that may still be waiting there is left to the server to judge.
        return queue is null || queue.MayStillRun(jobId, options.Value.RunLease)
            ? null
            : $"Interrupted: its background job {jobId} no longer exists or ended without running it.";
    }

    private DateTimeOffset? LastBeatOrNull(int runId)
    {
        var path = LeaseFile(runId);
        return File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
    }

    private string LeaseFile(int runId) => Path.Combine(data.Value.StateDir, "leases", $"run-{runId}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {RunId}: {Reason}")]
    private static partial void LogInterrupted(ILogger logger, int runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not judge whether job {RunId} was interrupted; the next look will")]
    private static partial void LogNotJudged(ILogger logger, Exception exception, int runId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not renew the lease of job {RunId} in the database; its lease file still beats")]
    private static partial void LogNotRenewed(ILogger logger, Exception exception, int runId);
}
