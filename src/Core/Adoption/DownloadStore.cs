using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Core.Adoption;

/// <summary>Adds counted downloads to their hour's rows, in one transaction per batch.</summary>
public sealed class DownloadStore(IDbContextFactory<SystemImageDbContext> dbFactory)
{
    /// <summary>Adds each count to the row of its hour (UTC) and target.</summary>
    /// <param name="counts">What to add.</param>
    /// <param name="alsoInTransaction">More changes saved in the same transaction (what an ingest has read).</param>
    /// <param name="cancellationToken">Cancels before the commit.</param>
    public async Task AddAsync(
        IReadOnlyCollection<(DateTimeOffset At, DownloadTarget Target, long Count)> counts,
        CancellationToken cancellationToken,
        Func<SystemImageDbContext, Task>? alsoInTransaction = null)
    {
        if (counts.Count == 0 && alsoInTransaction is null)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (at, target, count) in counts)
        {
            var hour = HourOf(at);
            var kind = (int)target.Kind;
            // One upsert that SQLite and PostgreSQL both take (quoted names; the row's own count named by its table).
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "DownloadCounts" ("Channel", "HourStart", "Device", "Version", "Kind", "Count")
                VALUES ({target.Channel}, {hour}, {target.Device}, {target.Version}, {kind}, {count})
                ON CONFLICT ("Channel", "HourStart", "Device", "Version", "Kind") DO UPDATE SET "Count" = "DownloadCounts"."Count" + excluded."Count"
                """,
                cancellationToken);
        }

        if (alsoInTransaction is not null)
        {
            await alsoInTransaction(db);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The start of the hour holding <paramref name="at"/>, in Unix seconds.</summary>
    public static long HourOf(DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        return seconds - (((seconds % 3600) + 3600) % 3600);
    }
}
