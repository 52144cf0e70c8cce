using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.Jobs;

/// <summary>The background job runner (Hangfire) that runs scheduled and on-demand imports.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "SystemImage:Jobs";

    /// <summary>Seconds between polls of the job queue; lower starts "import now" sooner. Default 2.</summary>
    [Range(0.1, 3600)]
    public double QueuePollIntervalSeconds { get; set; } = 2;

    /// <summary>Seconds between checks that every automatic channel's recurring job matches its configuration (changes made by verbs in another process are picked up this way). Default 30.</summary>
    [Range(1, 86400)]
    public int ScheduleSyncSeconds { get; set; } = 30;

    /// <summary>Seconds between checks for recurring jobs that are due. Default 15.</summary>
    [Range(0.1, 3600)]
    public double SchedulePollingIntervalSeconds { get; set; } = 15;

    /// <summary>Job worker threads. Imports never overlap (they share the publish lock), so more only helps queueing. Default 2.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;
}
