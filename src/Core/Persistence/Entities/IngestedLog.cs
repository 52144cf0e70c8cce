namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// An access log <c>ingest-access-log</c> has read: known by the hash of its first line, with how many lines were
/// counted and the hash of the last one, so reading it again (or a longer copy of it) counts only the new lines.
/// </summary>
public sealed class IngestedLog
{
    public int Id { get; set; }

    /// <summary>Lowercase hex SHA-256 of the log's first line (without its line ending).</summary>
    public required string FirstLineHash { get; set; }

    /// <summary>Lines of the log already read (counted or not).</summary>
    public long Lines { get; set; }

    /// <summary>Lowercase hex SHA-256 of line number <see cref="Lines"/>, to check that a log read again still starts with what was read.</summary>
    public required string LastLineHash { get; set; }

    /// <summary>The file name it was last read from, for people.</summary>
    public string FileName { get; set; } = "";

    public DateTimeOffset IngestedAt { get; set; }
}
