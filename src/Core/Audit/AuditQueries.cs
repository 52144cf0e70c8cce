using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Audit;

/// <summary>Reads and searches the audit log, newest first, in the database a page at a time.</summary>
public sealed class AuditQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    /// <summary>The most entries one listing returns.</summary>
    public const int MaxLimit = 1000;

    private const string LikeEscape = "\\";

    /// <summary>Why <paramref name="limit"/> is not a number of entries a listing can return, or null.</summary>
    public static string? ValidateLimit(int limit) =>
        limit is < 1 or > MaxLimit ? $"'limit' must be between 1 and {MaxLimit}, not {limit}." : null;

    /// <param name="channel">Only entries about this channel.</param>
    /// <param name="since">Only entries at or after this time.</param>
    /// <param name="limit">At most this many entries (1–<see cref="MaxLimit"/>; see <see cref="ValidateLimit"/>).</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range (a caller's bug: validate first).</exception>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string? channel, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        (await SearchAsync(new AuditSearch { Channel = channel, Since = since, Limit = limit }, cancellationToken)).Entries;

    /// <summary>One page of the entries that match <paramref name="search"/>, newest first, filtered and paged by the database.</summary>
    /// <exception cref="ArgumentException"><paramref name="search"/> is invalid (a caller's bug: <see cref="AuditSearch.Validate"/> first).</exception>
    /// <exception cref="ArgumentOutOfRangeException">Its limit is out of range.</exception>
    public async Task<AuditSearchResult> SearchAsync(AuditSearch search, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, MaxLimit);
        if (search.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(search));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filter(db.AuditEntries.AsNoTracking(), search, db.Database.IsNpgsql());
        var entries = await query.OrderByDescending(e => e.Id).Take(search.Limit + 1).ToListAsync(cancellationToken);
        var page = entries.Take(search.Limit).Select(e => new AuditRecord(e.Id, e.At, e.Actor, e.Surface, e.Action, e.Target, e.Channel, e.Detail, e.Before, e.After)).ToList();
        return new AuditSearchResult(page, entries.Count > search.Limit ? page[^1].Id : null);
    }

    /// <param name="postgreSql">Whether words are matched by PostgreSQL, whose LIKE minds case (SQLite's does not, for ASCII): ILIKE there.</param>
    private static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> query, AuditSearch search, bool postgreSql)
    {
        if (search.Channel is { } channel)
        {
            query = query.Where(e => e.Channel == channel);
        }

        // A device's entries name it as their target: "channel/device" (channel names may hold '/', so the channel column decides).
        if (search.Device is { } device)
        {
            query = search.Channel is { } owner
                ? query.Where(e => e.Target == owner + "/" + device)
                : query.Where(e => e.Channel != null && e.Target == e.Channel + "/" + device);
        }

        if (search.Since is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (search.Before is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        foreach (var word in search.Words)
        {
            var pattern = $"%{EscapeLike(word)}%";
            query = postgreSql
                ? query.Where(e => EF.Functions.ILike(
                    e.Actor + " " + e.Surface + " " + e.Action + " " + e.Target + " " + (e.Channel ?? "") + " " + (e.Detail ?? "") + " " + (e.Before ?? "") + " " + (e.After ?? ""),
                    pattern,
                    LikeEscape))
                : query.Where(e => EF.Functions.Like(
                    e.Actor + " " + e.Surface + " " + e.Action + " " + e.Target + " " + (e.Channel ?? "") + " " + (e.Detail ?? "") + " " + (e.Before ?? "") + " " + (e.After ?? ""),
                    pattern,
                    LikeEscape));
        }

        return query;
    }

    private static string EscapeLike(string word) =>
        word.Replace(LikeEscape, LikeEscape + LikeEscape, StringComparison.Ordinal)
            .Replace("%", LikeEscape + "%", StringComparison.Ordinal)
            .Replace("_", LikeEscape + "_", StringComparison.Ordinal);
}

/// <summary>One audit entry as the API and UI show it.</summary>
/// <param name="Id">The entry's number, increasing with time; a page's last id is the next page's <see cref="AuditSearch.Before"/>.</param>
/// <param name="Detail">One line: <c>before → after</c>.</param>
/// <param name="Before">The state before (null when the target is new).</param>
/// <param name="After">The state after (null when the target was removed).</param>
public sealed record AuditRecord(
    long Id, DateTimeOffset At, string Actor, string Surface, string Action, string Target, string? Channel, string? Detail, string? Before, string? After);
