namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// A scheduled ramp of a channel's latest builds: steps that raise (or lower) the phased percentage of each covered
/// device's latest version at given times, optionally only inside a window of UTC hours and weekdays.
/// </summary>
public sealed class Rollout
{
    public int Id { get; set; }

    public int ChannelId { get; set; }

    public Channel Channel { get; set; } = null!;

    public RolloutState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who started it, as the audit log names them.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When it completed, was halted or superseded.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it was halted, or what superseded it.</summary>
    public string? EndReason { get; set; }

    /// <summary>The window in its written form (<c>Mon-Fri 08-17</c>), or null for any time.</summary>
    public string? Window { get; set; }

    public List<RolloutStep> Steps { get; set; } = [];

    public List<RolloutDevice> Devices { get; set; } = [];
}
