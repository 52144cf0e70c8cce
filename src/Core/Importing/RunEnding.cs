using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>Ends runs in one statement, whichever process holds them: the guard is the query the caller passes.</summary>
internal static class RunEnding
{
    /// <summary>
    /// Ends the runs <paramref name="runs"/> selects: their state, finishing time and summary, the summary as the last
    /// log line, and no lease. <paramref name="also"/> sets further columns in the same statement. Returns how many ended.
    /// </summary>
    public static Task<int> EndAsync(
        this IQueryable<ImportRun> runs,
        ImportRunState state,
        string summary,
        DateTimeOffset now,
        CancellationToken cancellationToken,
        Action<UpdateSettersBuilder<ImportRun>>? also = null)
    {
        var line = $"{now:yyyy-MM-dd HH:mm:ss} {summary}\n";
        return runs.ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(r => r.State, state)
                    .SetProperty(r => r.FinishedAt, now)
                    .SetProperty(r => r.Summary, summary)
                    .SetProperty(r => r.Log, r => r.Log + line)
                    .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null);
                also?.Invoke(s);
            },
            cancellationToken);
    }
}
