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

    public string? Detail { get; set; }
}
