using System.Collections.Concurrent;
using SystemImage.Core.Classic;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Tests;

/// <summary>
/// The host's background jobs without Hangfire: each job is queued as a run exactly as the server does, then run on the
/// thread pool through the same Core services. <see cref="WhenIdleAsync"/> waits for everything queued so far.
/// </summary>
public sealed class InlineBackgroundJobs(ImportRuns runs, ImportService importer, TreeMaintenance maintenance, KeyService keys, TreeAdoption adoption) : IBackgroundJobs
{
    private readonly ConcurrentBag<Task> _running = [];

    public async Task<(OperationResult Result, int? RunId, string? JobId)> ImportNowAsync(string channel, Actor actor, CancellationToken cancellationToken)
    {
        if (await importer.CheckAsync(channel, cancellationToken) is { } refusal)
        {
            return (refusal, null, null);
        }

        var runId = await runs.QueueAsync(channel, "import-now", actor, cancellationToken);
        Start(() => runs.RunAsync(runId, Actor.System, CancellationToken.None));
        return (OperationResult.Ok($"Queued the import of {channel} (run {runId})."), runId, $"inline-{runId}");
    }

    public async Task<(int RunId, string JobId)> ResignNowAsync(Actor actor, CancellationToken cancellationToken)
    {
        var runId = await runs.QueueAsync("", "resign", actor, cancellationToken, ImportRun.ResignKind);
        Start(() => runs.RunWorkAsync(runId, (_, token) => maintenance.ResignAsync(actor, token), CancellationToken.None));
        return (runId, $"inline-{runId}");
    }

    public async Task<(OperationResult Result, int? RunId, string? JobId)> RotateNowAsync(string key, Actor actor, CancellationToken cancellationToken)
    {
        if (!KeyService.Rotatable.Contains(key))
        {
            return (OperationResult.Invalid($"Only {string.Join(" and ", KeyService.Rotatable)} can be rotated; '{key}' is trusted directly by devices."), null, null);
        }

        var runId = await runs.QueueAsync("", $"rotate {key}", actor, cancellationToken, ImportRun.RotateKind);
        Start(() => runs.RunWorkAsync(runId, (_, token) => keys.RotateAsync(key, actor, token), CancellationToken.None));
        return (OperationResult.Ok($"Queued the rotation of {key} as job {runId}."), runId, $"inline-{runId}");
    }

    public async Task<(int RunId, string JobId)> AdoptNowAsync(AdoptionRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var runId = await runs.QueueAsync("", "adopt-tree", actor, cancellationToken, ImportRun.AdoptKind);
        Start(() => runs.RunWorkAsync(runId, async (_, token) => (await adoption.AdoptAsync(request, actor, null, token)).Result, CancellationToken.None));
        return (runId, $"inline-{runId}");
    }

    /// <summary>Waits until every job queued so far has finished.</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_running);

    private void Start(Func<Task> work) => _running.Add(Task.Run(work));
}
