using SystemImage.Core.Audit;

namespace SystemImage.Admin.Ui.Audit;

/// <summary>What the audit page shows: one channel and entries since a time (asked of the database), and free text.</summary>
/// <param name="Channel">A channel name, or empty for every entry.</param>
/// <param name="Since">Only entries at or after this time.</param>
/// <param name="Text">Words every shown entry's actor, action or target contains (any case).</param>
public sealed record AuditFilter(string Channel, DateTimeOffset? Since, string Text)
{
    public string? ChannelOrNull => Channel.Length == 0 ? null : Channel;

    public bool IsEmpty => Channel.Length == 0 && Since is null && string.IsNullOrWhiteSpace(Text);

    /// <summary>True when <paramref name="record"/> contains every word of <see cref="Text"/> in its actor, action or target.</summary>
    public bool Matches(AuditRecord record)
    {
        var haystack = $"{record.Actor} {record.Action} {record.Target}";
        return Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(word => haystack.Contains(word, StringComparison.OrdinalIgnoreCase));
    }
}
