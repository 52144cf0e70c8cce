namespace SystemImage.Core.Persistence.Entities;

/// <summary>One recorded mutation: who did what, from which surface.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    /// <summary><c>cli</c>, <c>api</c>, <c>ui</c> or <c>job</c>.</summary>
    public required string Surface { get; set; }

    public required string Action { get; set; }

    public required string Target { get; set; }

    /// <summary>Channel the action concerns, for filtering (null for global actions).</summary>
    public string? Channel { get; set; }

    /// <summary>The state before, in a few words (null when the target is new).</summary>
    public string? Before { get; set; }

    /// <summary>The state after, in a few words (null when the target was removed).</summary>
    public string? After { get; set; }

    /// <summary>A one-line summary (<c>before → after</c>); entries older than the before/after columns have only this.</summary>
    public string? Detail { get; set; }
}
