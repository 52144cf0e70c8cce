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
    /// <summary>The most recent runs, newest first, each with an empty <see cref="ImportRun.Log"/> (read one run for its log).</summary>
    /// <param name="channel">Only runs of this channel; the empty string selects tree-wide jobs (re-signs, rotations).</param>
    /// <param name="states">Only runs in one of these states (all states when null or empty).</param>
    /// <param name="limit">At most this many runs (1–1000).</param>
    /// <param name="cancellationToken">Stops the query.</param>
    public async Task<IReadOnlyList<ImportRun>> RecentAsync(
        string? channel, IReadOnlyCollection<ImportRunState>? states, int limit, CancellationToken cancellationToken)
    {
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
            .Take(Math.Clamp(limit, 1, 1000))
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
