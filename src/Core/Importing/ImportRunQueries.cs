using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>
/// Job listings for views that refresh often (the admin UI's jobs page, the API, <c>list-imports</c>): filtered, newest
/// first, without the logs. Each listing first fails the runs nobody holds any more, so none shows "running" for ever.
/// </summary>
public sealed class ImportRunQueries(IDbContextFactory<SystemImageDbContext> dbFactory, ImportRuns runs)
{
    /// <summary>The most runs one listing returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Why <paramref name="limit"/> is not a number of runs a listing can return, or null.</summary>
    public static string? ValidateLimit(int limit) =>
        limit is < 1 or > MaxLimit ? $"'limit' must be between 1 and {MaxLimit}, not {limit}." : null;

    /// <summary>The most recent runs, newest first, each with an empty <see cref="ImportRun.Log"/> (read one run for its log).</summary>
    /// <param name="channel">Only runs of this channel; the empty string selects tree-wide jobs (re-signs, rotations).</param>
    /// <param name="states">Only runs in one of these states (all states when null or empty).</param>
    /// <param name="limit">At most this many runs (1–<see cref="MaxLimit"/>; see <see cref="ValidateLimit"/>).</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range (a caller's bug: validate first).</exception>
    public async Task<IReadOnlyList<ImportRun>> RecentAsync(
        string? channel, IReadOnlyCollection<ImportRunState>? states, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        await runs.FailInterruptedAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.ImportRuns.AsNoTracking();
        if (channel is not null)
        {
            query = query.Where(r => r.Channel == channel);
        }

        if (states is { Count: > 0 })
        {
            var wanted = states.ToArray();
            query = query.Where(r => wanted.Contains(r.State));
        }

        return await query
            .OrderByDescending(r => r.Id)
            .Take(limit)
            .Select(r => new ImportRun
            {
                Id = r.Id,
                Kind = r.Kind,
                Channel = r.Channel,
                Trigger = r.Trigger,
                Actor = r.Actor,
                JobId = r.JobId,
                State = r.State,
                Runner = r.Runner,
                LeaseUntil = r.LeaseUntil,
                CancelRequestedBy = r.CancelRequestedBy,
                QueuedAt = r.QueuedAt,
                StartedAt = r.StartedAt,
                FinishedAt = r.FinishedAt,
                Device = r.Device,
                File = r.File,
                BytesDone = r.BytesDone,
                BytesTotal = r.BytesTotal,
                Summary = r.Summary,
            })
            .ToListAsync(cancellationToken);
    }
}
