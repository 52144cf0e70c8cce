using Hangfire;
using SystemImage.Core.Rollouts;

namespace SystemImage.Server.Jobs;

/// <summary>Hangfire adapter that runs the rollout steps that have come due; the work and its audit stay in Core.</summary>
public sealed class RolloutJob(RolloutService rollouts)
{
    public const string RecurringId = "rollouts";

    /// <summary>Every minute, and once at start-up (a step that came due while the server was down runs then).</summary>
    public const string Cron = "* * * * *";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task AdvanceAsync(CancellationToken cancellationToken) => rollouts.AdvanceAsync(cancellationToken);
}
