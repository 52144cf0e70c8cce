using Hangfire;
using Hangfire.Server;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Jobs;

/// <summary>The Hangfire adapter for imports: one Core call each, the logic and its log stay in Core.</summary>
public sealed class ImportJob(ImportRuns runs, ImporterConfigService configs)
{
    /// <summary>Runs a queued run ("import now").</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 24 * 3600)]
    public async Task RunAsync(int runId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (context is not null)
        {
            await runs.SetJobIdAsync(runId, context.BackgroundJob.Id, cancellationToken);
        }

        await runs.RunAsync(runId, Actor.System, cancellationToken);
    }

    /// <summary>The recurring import of <paramref name="channel"/>; skipped when the channel was paused or is no longer automatic.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 24 * 3600)]
    public async Task RunScheduledAsync(string channel, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await configs.GetAsync(channel, cancellationToken) is not { Type: Core.Persistence.Entities.ChannelType.Auto, Paused: false })
        {
            return;
        }

        var runId = await runs.QueueAsync(channel, "schedule", Actor.System, cancellationToken);
        await RunAsync(runId, context, cancellationToken);
    }
}
