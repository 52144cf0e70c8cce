namespace SystemImage.Core.Persistence.Entities;

/// <summary>One step of a rollout: the percentage its devices get once <see cref="DueAt"/> has come (inside the window).</summary>
public sealed class RolloutStep
{
    public int Id { get; set; }

    public int RolloutId { get; set; }

    /// <summary>0 for the first step.</summary>
    public int Order { get; set; }

    public int Percentage { get; set; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>When it ran (or was passed over by a later step that ran in its place).</summary>
    public DateTimeOffset? DoneAt { get; set; }
}
