using System.Globalization;
using Hangfire;
using Hangfire.Server;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Jobs;

/// <summary>The Hangfire adapter for imports: one Core call each, the logic and its log stay in Core.</summary>
public sealed partial class ImportJob(ImportRuns runs, ImporterConfigService configs, JobStorage storage, ILogger<ImportJob> logger)
{
    private static readonly TimeSpan TickLockTimeout = TimeSpan.FromSeconds(30);

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
        if (await configs.GetAsync(channel, cancellationToken) is not { Type: Core.Persistence.Entities.ChannelType.Auto, Paused: false } config)
        {
            return;
        }

        if (context is not null && config.Schedule is { } schedule && !ClaimTick(channel, schedule, context.BackgroundJob.CreatedAt))
        {
            LogSecondForTick(logger, channel, context.BackgroundJob.Id);
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

    /// <summary>
    /// Whether this job is the first for its tick of <paramref name="schedule"/>. Hangfire promises a recurring job at
    /// least once per tick, and with several nodes scheduling it now and then enqueues one tick twice (6 ms apart in a
    /// test), so the tick is claimed in Hangfire's storage, shared by the nodes, under its distributed lock. A tick is
    /// named by the occurrence after the job was created: both copies of one tick are created before the next.
    /// </summary>
    internal bool ClaimTick(string channel, string schedule, DateTime createdAt)
    {
        if (CronSchedule.Next(schedule, new DateTimeOffset(DateTime.SpecifyKind(createdAt, DateTimeKind.Utc)), 1) is not [var next])
        {
            return true;
        }

        var key = $"import-schedule:{channel}";
        var tick = next.ToUnixTimeMilliseconds();
        using var connection = storage.GetConnection();
        using (connection.AcquireDistributedLock(key + ":lock", TickLockTimeout))
        {
            var claimed = connection.GetAllEntriesFromHash(key)?.GetValueOrDefault("tick");
            if (claimed is not null && long.Parse(claimed, CultureInfo.InvariantCulture) >= tick)
            {
                return false;
            }

            connection.SetRangeInHash(key, [new("tick", tick.ToString(CultureInfo.InvariantCulture))]);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled import of {Channel}: job {JobId} is a second one for a tick already run, so it does nothing")]
    private static partial void LogSecondForTick(ILogger logger, string channel, string jobId);
}
