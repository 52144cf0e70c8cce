using Hangfire;
using Hangfire.Server;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Jobs;

/// <summary>The Hangfire adapter for imports: one Core call each, the logic and its log stay in Core.</summary>
public sealed class ImportJob(ImportRuns runs, ImporterConfigService configs)
{
    /// <summary>
    /// Runs a queued run ("import now"). Two at once are both run, one after the other: the publish lock orders them
    /// and the second's log says how long it waited (and, usually, that nothing was new).
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(int runId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (context is not null)
        {
            await runs.SetJobIdAsync(runId, context.BackgroundJob.Id, cancellationToken);
        }

        await runs.RunAsync(runId, Actor.System, cancellationToken);
    }

    /// <summary>
    /// The recurring import of <paramref name="channel"/>: nothing when the channel was paused or is no longer
    /// automatic, and a run recorded as skipped when another run of the channel is still queued or running.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task RunScheduledAsync(string channel, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await configs.GetAsync(channel, cancellationToken) is not { Type: Core.Persistence.Entities.ChannelType.Auto, Paused: false })
        {
            return;
        }

        if (await runs.ActiveRunAsync(channel, cancellationToken) is { } active)
        {
            await runs.RecordSkippedAsync(channel, "schedule", Actor.System, $"Skipped: run {active.Id} of {channel} is still {active.State.ToString().ToLowerInvariant()}.", cancellationToken);
            return;
        }

        var runId = await runs.QueueAsync(channel, "schedule", Actor.System, cancellationToken);
        await RunAsync(runId, context, cancellationToken);
    }
}
