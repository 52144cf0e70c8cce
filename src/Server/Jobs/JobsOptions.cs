using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SystemImage.Server.Jobs;

/// <summary>The background job runner (Hangfire) that runs scheduled and on-demand imports.</summary>
public sealed class JobsOptions : IValidatableObject
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

    /// <summary>
    /// Networks (CIDR, separated by commas or spaces) whose clients may open the Hangfire dashboard at /admin/jobs; a
    /// client elsewhere is refused (403) even when signed in as an admin, and nobody but an admin gets in from anywhere.
    /// Empty: nobody. Default <c>127.0.0.0/8, ::1/128</c> (this machine only). Behind a reverse proxy, the client's
    /// address is the proxy's unless forwarded headers from it are honoured.
    /// </summary>
    public string DashboardAllowedNetworks { get; set; } = "127.0.0.0/8, ::1/128";

    /// <summary>The parsed <see cref="DashboardAllowedNetworks"/>.</summary>
    /// <exception cref="FormatException">An entry is not a network in CIDR notation (validation at start-up prevents this).</exception>
    public IReadOnlyList<IPNetwork> DashboardNetworks() => [.. NetworkEntries().Select(IPNetwork.Parse)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in NetworkEntries().Where(entry => !IPNetwork.TryParse(entry, out _)))
        {
            yield return new ValidationResult(
                $"DashboardAllowedNetworks: '{entry}' is not a network in CIDR notation, such as 127.0.0.0/8 or 10.1.0.0/16.",
                [nameof(DashboardAllowedNetworks)]);
        }
    }

    private string[] NetworkEntries() => DashboardAllowedNetworks.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
