namespace SystemImage.Core.Persistence.Entities;

/// <summary>Where a rollout stands.</summary>
public enum RolloutState
{
    /// <summary>Steps run as they come due (inside the window).</summary>
    Active,

    /// <summary>No step runs until it is resumed; a step that came due meanwhile runs on resume.</summary>
    Paused,

    /// <summary>Every step has run.</summary>
    Completed,

    /// <summary>Stopped with every covered device at 0%.</summary>
    Halted,

    /// <summary>Ended because a covered device got a newer version.</summary>
    Superseded,
}
