using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Core.Audit;

/// <summary>Reads the audit log, newest first.</summary>
public sealed class AuditQueries(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    /// <summary>The most entries one listing returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Why <paramref name="limit"/> is not a number of entries a listing can return, or null.</summary>
    public static string? ValidateLimit(int limit) =>
        limit is < 1 or > MaxLimit ? $"'limit' must be between 1 and {MaxLimit}, not {limit}." : null;

    /// <param name="channel">Only entries about this channel.</param>
    /// <param name="since">Only entries at or after this time.</param>
    /// <param name="limit">At most this many entries (1–<see cref="MaxLimit"/>; see <see cref="ValidateLimit"/>).</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range (a caller's bug: validate first).</exception>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string? channel, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (channel is not null)
        {
            query = query.Where(e => e.Channel == channel);
        }

        if (since is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        var entries = await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. entries.Select(e => new AuditRecord(e.At, e.Actor, e.Surface, e.Action, e.Target, e.Channel, e.Detail, e.Before, e.After))];
    }
}

/// <summary>One audit entry as the API and UI show it.</summary>
/// <param name="Detail">One line: <c>before → after</c>.</param>
/// <param name="Before">The state before (null when the target is new).</param>
/// <param name="After">The state after (null when the target was removed).</param>
public sealed record AuditRecord(
    DateTimeOffset At, string Actor, string Surface, string Action, string Target, string? Channel, string? Detail, string? Before, string? After);
