using Hangfire;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Server.Jobs;

/// <summary>"Import now": queues an import of one channel as a background job and says which.</summary>
public sealed class ImportJobs(IBackgroundJobClient jobs, ImportRuns runs, ImportService importer) : IBackgroundJobs
{
    /// <summary>Queues an import of <paramref name="channel"/>; refuses unknown, manual and paused channels.</summary>
    public async Task<(OperationResult Result, int? RunId, string? JobId)> ImportNowAsync(string channel, Actor actor, CancellationToken cancellationToken)
    {
        var refusal = await CheckAsync(channel, cancellationToken);
        if (refusal is not null)
        {
            return (refusal, null, null);
        }

        var runId = await runs.QueueAsync(channel, "import-now", actor, cancellationToken);
        var jobId = jobs.Enqueue<ImportJob>(job => job.RunAsync(runId, null, CancellationToken.None));
        await runs.SetJobIdAsync(runId, jobId, cancellationToken);
        return (OperationResult.Ok($"Queued the import of {channel} as job {jobId} (run {runId})."), runId, jobId);
    }

    /// <summary>Queues a re-sign of the whole tree as a background job; returns the job to poll.</summary>
    public async Task<(int RunId, string JobId)> ResignNowAsync(Actor actor, CancellationToken cancellationToken)
    {
        var runId = await runs.QueueAsync("", "resign", actor, cancellationToken, ImportRun.ResignKind);
        var jobId = jobs.Enqueue<MaintenanceJob>(job => job.ResignAsync(runId, actor.Name, actor.Surface, CancellationToken.None));
        await runs.SetJobIdAsync(runId, jobId, cancellationToken);
        return (runId, jobId);
    }

    /// <summary>Queues the rotation of the signing key <paramref name="key"/> as a background job; refuses keys that cannot be rotated.</summary>
    public async Task<(OperationResult Result, int? RunId, string? JobId)> RotateNowAsync(string key, Actor actor, CancellationToken cancellationToken)
    {
        if (!SystemImage.Core.Signing.KeyNames.IsKnown(key))
        {
            return (OperationResult.NotFound($"There is no key '{key}'."), null, null);
        }

        if (!KeyService.Rotatable.Contains(key))
        {
            return (OperationResult.Invalid($"Only {string.Join(" and ", KeyService.Rotatable)} can be rotated; '{key}' is trusted directly by devices."), null, null);
        }

        var runId = await runs.QueueAsync("", $"rotate {key}", actor, cancellationToken, ImportRun.RotateKind);
        var jobId = jobs.Enqueue<MaintenanceJob>(job => job.RotateAsync(runId, key, actor.Name, actor.Surface, CancellationToken.None));
        await runs.SetJobIdAsync(runId, jobId, cancellationToken);
        return (OperationResult.Ok($"Queued the rotation of {key} as job {runId}."), runId, jobId);
    }

    /// <summary>Queues the adoption of a classic installation on the server's disk as a background job.</summary>
    public async Task<(int RunId, string JobId)> AdoptNowAsync(SystemImage.Core.Classic.AdoptionRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var runId = await runs.QueueAsync("", "adopt-tree", actor, cancellationToken, ImportRun.AdoptKind);
        var jobId = jobs.Enqueue<MaintenanceJob>(job => job.AdoptAsync(runId, request.Root, request.Config, request.Keys, request.Merge, actor.Name, actor.Surface, CancellationToken.None));
        await runs.SetJobIdAsync(runId, jobId, cancellationToken);
        return (runId, jobId);
    }

    /// <summary>Why <paramref name="channel"/> cannot be imported now (unknown, manual, alias, redirect, paused), or null.</summary>
    public Task<OperationResult?> CheckAsync(string channel, CancellationToken cancellationToken) => importer.CheckAsync(channel, cancellationToken);
}
