using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Audit;

/// <summary>Adds audit entries to the same unit of work as the change they describe.</summary>
public sealed class AuditLog(TimeProvider time)
{
    /// <param name="db">The unit of work of the change; the entry commits (or not) with it.</param>
    /// <param name="actor">Who did it, from which surface.</param>
    /// <param name="action">What was done, e.g. <c>set-phased-percentage</c>.</param>
    /// <param name="target">What it was done to, e.g. <c>stable/mako</c>.</param>
    /// <param name="channel">The channel it concerns, for filtering (null for global actions).</param>
    /// <param name="change">The state before and after, in a few words each.</param>
    public void Record(SystemImageDbContext db, Actor actor, string action, string target, string? channel, AuditChange change) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor.Name,
            Surface = actor.Surface,
            Action = action,
            Target = target,
            Channel = channel,
            Before = Trim(change.Before),
            After = Trim(change.After),
            Detail = Trim(change.Summary),
        });

    private static string? Trim(string? text) => text is { Length: > AuditChange.MaxLength } ? text[..(AuditChange.MaxLength - 1)] + "…" : text;
}

/// <summary>A before/after summary of one mutation: <see cref="Before"/> is null for something new, <see cref="After"/> for something removed.</summary>
public sealed record AuditChange(string? Before, string? After)
{
    /// <summary>Summaries longer than this are cut (with an ellipsis) so one entry stays readable.</summary>
    public const int MaxLength = 2000;

    /// <summary>Something that did not exist before.</summary>
    public static AuditChange Created(string after) => new(null, after);

    /// <summary>Something that no longer exists.</summary>
    public static AuditChange Removed(string before) => new(before, null);

    /// <summary>The one-line summary shown as <c>detail</c>: <c>before → after</c>, or the side that exists.</summary>
    public string? Summary => (Before, After) switch
    {
        (null, null) => null,
        (null, { } after) => after,
        ({ } before, null) => $"was {before}",
        ({ } before, { } after) => $"{before} → {after}",
    };
}
