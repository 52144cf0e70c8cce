using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;

namespace SystemImage.Server.Jobs;

/// <summary>
/// Keeps one recurring Hangfire job per automatic channel that has a schedule and is not paused (id
/// <c>import:&lt;channel&gt;</c>), and none for any other channel. Runs at start, then every
/// <see cref="JobsOptions.ScheduleSyncSeconds"/>, so configuration changed by a verb in another process is followed too.
/// Also fails the runs that nobody holds any more (their lease has passed): those a killed server left running or queued.
/// </summary>
public sealed partial class RecurringImports(
    IRecurringJobManager recurring,
    JobStorage storage,
    ImporterConfigService configs,
    ImportRuns runs,
    IOptions<JobsOptions> options,
    ILogger<RecurringImports> logger) : BackgroundService
{
    public const string IdPrefix = "import:";

    /// <summary>Brings the recurring jobs in line with the channels' configuration; returns the ids now scheduled.</summary>
    public async Task<IReadOnlyList<string>> SyncAsync(CancellationToken cancellationToken)
    {
        var wanted = (await configs.ScheduledAsync(cancellationToken))
            .Where(s => CronSchedule.Validate(s.Schedule) is null)
            .ToDictionary(s => IdPrefix + s.Channel, s => s.Schedule, StringComparer.Ordinal);

        using var connection = storage.GetConnection();
        foreach (var job in connection.GetRecurringJobs().Where(j => j.Id.StartsWith(IdPrefix, StringComparison.Ordinal)))
        {
            if (!wanted.TryGetValue(job.Id, out var cron))
            {
                recurring.RemoveIfExists(job.Id);
                LogRemoved(logger, job.Id);
            }
            else if (job.Cron == cron)
            {
                wanted.Remove(job.Id);
            }
        }

        foreach (var (id, cron) in wanted)
        {
            var channel = id[IdPrefix.Length..];
            recurring.AddOrUpdate<ImportJob>(id, job => job.RunScheduledAsync(channel, null, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            LogScheduled(logger, id, cron);
        }

        return [.. connection.GetRecurringJobs().Select(j => j.Id).Where(id => id.StartsWith(IdPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ScheduleSyncSeconds));
        do
        {
            try
            {
                // At start-up and on every tick: runs a killed process (of any host) left queued or running have lost
                // their lease and are failed, so they do not hold back the channel's schedule.
                var interrupted = await runs.FailInterruptedAsync(stoppingToken);
                if (interrupted.Count > 0)
                {
                    LogInterrupted(logger, interrupted.Count);
                }

                await SyncAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSyncFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled recurring import {JobId} ({Cron}, UTC)")]
    private static partial void LogScheduled(ILogger logger, string jobId, string cron);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed recurring import {JobId}")]
    private static partial void LogRemoved(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} job(s) whose lease had passed (left queued or running by a stopped process) as failed")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not bring the recurring imports in line with the configuration")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
