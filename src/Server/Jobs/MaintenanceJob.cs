using Hangfire;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Jobs;

/// <summary>Hangfire adapter for tree-wide jobs; the work and its record stay in Core.</summary>
public sealed class MaintenanceJob(ImportRuns runs, TreeMaintenance maintenance, KeyService keys)
{
    /// <summary>Re-signs every index and current file (after an image-signing key rotation).</summary>
    [AutomaticRetry(Attempts = 0)]
    public Task ResignAsync(int runId, string actorName, string surface, CancellationToken cancellationToken) =>
        runs.RunWorkAsync(runId, (_, token) => maintenance.ResignAsync(new Actor(actorName, surface), token), cancellationToken);

    /// <summary>Replaces a signing key and re-signs what it signed.</summary>
    [AutomaticRetry(Attempts = 0)]
    public Task RotateAsync(int runId, string key, string actorName, string surface, CancellationToken cancellationToken) =>
        runs.RunWorkAsync(runId, (_, token) => keys.RotateAsync(key, new Actor(actorName, surface), token), cancellationToken);
}
