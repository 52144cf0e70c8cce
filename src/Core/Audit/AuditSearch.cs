namespace SystemImage.Core.Audit;

/// <summary>What to look for in the audit log, newest first, one page at a time.</summary>
public sealed record AuditSearch
{
    /// <summary>The longest search text accepted.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Only entries about this channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Only entries about this device (of <see cref="Channel"/>, or of any channel when that is null).</summary>
    public string? Device { get; init; }

    /// <summary>
    /// Words every entry must contain (any case, in any order) in its actor, surface, action, target, channel or change
    /// text (the state before and after).
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The page after a previous one: only entries older than the entry with this id (see <see cref="AuditSearchResult.Next"/>).</summary>
    public long? Before { get; init; }

    /// <summary>At most this many entries (1–<see cref="AuditQueries.MaxLimit"/>). Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The words of <see cref="Text"/>.</summary>
    public IReadOnlyList<string> Words =>
        Text?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Why this search cannot run (a one-line reason), or null.</summary>
    public string? Validate() =>
        AuditQueries.ValidateLimit(Limit)
        ?? (Text is { Length: > MaxTextLength } ? $"The search text is {Text.Length} characters long; at most {MaxTextLength} are allowed." : null)
        ?? (Before is <= 0 ? $"'before' must be the id of an audit entry (a positive number), not {Before}." : null);
}

/// <summary>One page of audit entries, newest first.</summary>
/// <param name="Entries">The entries of this page.</param>
/// <param name="Next">The <see cref="AuditSearch.Before"/> of the next page, or null when this is the last one.</param>
public sealed record AuditSearchResult(IReadOnlyList<AuditRecord> Entries, long? Next);
