using Hangfire;

namespace SystemImage.Server.Jobs;

/// <summary>At start-up: schedules <see cref="RolloutJob"/> every minute and queues one run now, so steps that came due while the server was down run at once.</summary>
public sealed class RolloutSchedule(IRecurringJobManager recurring, IBackgroundJobClient jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<RolloutJob>(RolloutJob.RecurringId, job => job.AdvanceAsync(CancellationToken.None), RolloutJob.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        jobs.Enqueue<RolloutJob>(job => job.AdvanceAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
