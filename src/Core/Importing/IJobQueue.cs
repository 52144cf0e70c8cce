namespace SystemImage.Core.Importing;

/// <summary>
/// The host's background job queue, as <see cref="ImportRuns"/> needs it to judge and cancel queued runs. The server
/// implements it over Hangfire; without one (a verb), a queued run that has a background job is left to the server.
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// Whether the background job <paramref name="jobId"/> may still run its run: it waits in the queue, or a worker
    /// picked it up less than <paramref name="grace"/> ago. False when it no longer exists or has ended.
    /// </summary>
    bool MayStillRun(string jobId, TimeSpan grace);

    /// <summary>Takes the job out of the queue so it never runs; false when there was nothing waiting to delete.</summary>
    bool Delete(string jobId);
}
