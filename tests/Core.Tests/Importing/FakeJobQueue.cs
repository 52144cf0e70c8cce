using System.Collections.Concurrent;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Tests.Importing;

/// <summary>A background job queue at the boundary: which jobs may still run, and which were deleted.</summary>
internal sealed class FakeJobQueue : IJobQueue
{
    /// <summary>Jobs that wait in the queue; any other job no longer exists.</summary>
    public ConcurrentDictionary<string, bool> Waiting { get; } = new();

    public ConcurrentBag<string> Deleted { get; } = [];

    public bool MayStillRun(string jobId, TimeSpan grace) => Waiting.ContainsKey(jobId);

    public bool Delete(string jobId)
    {
        Deleted.Add(jobId);
        return Waiting.TryRemove(jobId, out _);
    }
}
