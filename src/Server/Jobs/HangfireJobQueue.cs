using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using SystemImage.Core.Importing;

namespace SystemImage.Server.Jobs;

/// <summary>Hangfire's queue as Core's import runs see it: whether a queued run's job may still run it, and deleting one.</summary>
public sealed class HangfireJobQueue(JobStorage storage, IBackgroundJobClient jobs, TimeProvider time) : IJobQueue
{
    public bool MayStillRun(string jobId, TimeSpan grace)
    {
        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId);
        if (state is null)
        {
            return false;
        }

        if (state.Name == EnqueuedState.StateName || state.Name == ScheduledState.StateName || state.Name == AwaitingState.StateName)
        {
            return true;
        }

        // A worker picked it up and marks its run running at once; one that has not after the grace period died.
        return state.Name == ProcessingState.StateName
            && (StartedAtOrNull(state.Data) is not { } started || time.GetUtcNow().UtcDateTime - started < grace);
    }

    public bool Delete(string jobId) => jobs.Delete(jobId);

    private static DateTime? StartedAtOrNull(IDictionary<string, string> data) =>
        data.TryGetValue("StartedAt", out var startedAt) ? JobHelper.DeserializeNullableDateTime(startedAt) : null;
}
