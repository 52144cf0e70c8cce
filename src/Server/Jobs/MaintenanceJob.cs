using Hangfire;
using SystemImage.Core.Classic;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Jobs;

/// <summary>Hangfire adapter for tree-wide jobs; the work and its record stay in Core.</summary>
public sealed class MaintenanceJob(ImportRuns runs, TreeMaintenance maintenance, KeyService keys, TreeAdoption adoption)
{
    /// <summary>Re-signs every index and current file (after an image-signing key rotation).</summary>
    [AutomaticRetry(Attempts = 0)]
    public Task ResignAsync(int runId, string actorName, string surface, CancellationToken cancellationToken) =>
        runs.RunWorkAsync(runId, (_, token) => maintenance.ResignAsync(new Actor(actorName, surface), token), cancellationToken);

    /// <summary>Replaces a signing key and re-signs what it signed.</summary>
    [AutomaticRetry(Attempts = 0)]
    public Task RotateAsync(int runId, string key, string actorName, string surface, CancellationToken cancellationToken) =>
        runs.RunWorkAsync(runId, (_, token) => keys.RotateAsync(key, new Actor(actorName, surface), token), cancellationToken);

    /// <summary>Adopts a classic installation on the server's disk (adopt-tree), its stages and progress in the job's log.</summary>
    [AutomaticRetry(Attempts = 0)]
    public Task AdoptAsync(int runId, string root, string? config, string? keyDirectory, bool merge, string actorName, string surface, CancellationToken cancellationToken) =>
        runs.RunWorkAsync(runId, async (reporter, token) =>
        {
            reporter.Log($"Adopting {root}{(merge ? " beside this server's channels" : "")}");
            var (result, _) = await adoption.AdoptAsync(new AdoptionRequest(root, config, keyDirectory, merge), new Actor(actorName, surface), new ReporterProgress(reporter), token);
            return result;
        }, cancellationToken);

    /// <summary>Adoption progress as job log lines and progress: a line per stage, the bar per file or byte.</summary>
    private sealed class ReporterProgress(IImportReporter reporter) : IProgress<AdoptionProgress>
    {
        private readonly Lock _gate = new();
        private string? _stage;

        public void Report(AdoptionProgress value)
        {
            lock (_gate)
            {
                if (value.Stage != _stage)
                {
                    _stage = value.Stage;
                    reporter.Log(value.Stage);
                }

                reporter.Progress("adopt-tree", value.Stage, value.Done, value.Total > 0 ? value.Total : null);
            }
        }
    }
}
