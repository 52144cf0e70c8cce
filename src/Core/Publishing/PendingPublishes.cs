using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// The durable "tree behind the database" marker (<see cref="PendingPublish"/>). A change records one in the same
/// transaction as its rows, then puts its staged files in place, publishes and removes it. If the process dies in
/// between, the next holder of the publish lock (a server starting, any verb, any change, any import) finishes the
/// publish the database already committed. Staging directories no pending publish owns are work a killed process
/// left before committing: they are removed.
/// </summary>
public sealed partial class PendingPublishes(
    IDbContextFactory<SystemImageDbContext> dbFactory,
    TreePublisher publisher,
    IOptions<SystemImageOptions> options,
    TimeProvider time,
    ILogger<PendingPublishes> logger)
{
    private string StateDir => options.Value.StateDir;

    private string PublishRoot => options.Value.PublishRootFullPath;

    /// <summary>Persists <paramref name="staged"/> and adds the marker to <paramref name="db"/>; the caller's commit makes both count.</summary>
    public PendingPublish Record(SystemImageDbContext db, StagedFiles staged, PublishRequest publish)
    {
        staged.Persist();
        var pending = new PendingPublish { Staging = staged.Name, Request = publish.ToJson(), CreatedAt = time.GetUtcNow() };
        db.PendingPublishes.Add(pending);
        return pending;
    }

    /// <summary>After the commit: the staged files go in place, the tree is published, then the markers are removed.</summary>
    public async Task<PublishReport> FinishAsync(IReadOnlyList<(PendingPublish Pending, StagedFiles Staged)> changes, PublishRequest publish)
    {
        LogFinishing(logger, changes.Count, string.Join(", ", publish.Devices));
        foreach (var (_, staged) in changes)
        {
            staged.Apply();
        }

        var report = await publisher.PublishAsync(publish, CancellationToken.None);
        await RemoveAsync([.. changes.Select(c => c.Pending.Id)]);
        foreach (var (_, staged) in changes)
        {
            staged.Delete();
        }

        return report;
    }

    /// <summary>How many committed changes the tree does not show yet (the tree lags the database while this is not 0).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PendingPublishes.CountAsync(cancellationToken);
    }

    /// <summary>
    /// Finishes every pending publish (staged files in place, then one publish of everything they asked for, signed
    /// anew) and removes staging directories that no pending publish owns. The caller holds the publish lock.
    /// </summary>
    public async Task<int> CompleteAsync(CancellationToken cancellationToken)
    {
        List<PendingPublish> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.PendingPublishes.AsNoTracking().OrderBy(p => p.Id).ToListAsync(cancellationToken);
        }

        var owned = pending.Select(p => p.Staging).ToHashSet(StringComparer.Ordinal);
        RemoveAbandonedStaging(owned);
        if (pending.Count == 0)
        {
            return 0;
        }

        var publish = new PublishRequest { ForceSign = true };
        foreach (var row in pending)
        {
            OpenOrNull(row)?.Apply();
            publish = publish.Merge(RequestOf(row));
        }

        await publisher.PublishAsync(publish, CancellationToken.None);
        await RemoveAsync([.. pending.Select(p => p.Id)]);
        foreach (var row in pending)
        {
            OpenOrNull(row)?.Delete();
        }

        LogCompleted(logger, pending.Count, string.Join(", ", publish.Devices));
        return pending.Count;
    }

    /// <summary>The staged files of <paramref name="row"/>; null when they are gone or the row names no staging directory of ours.</summary>
    private StagedFiles? OpenOrNull(PendingPublish row)
    {
        if (row.Staging.Length == 0 || row.Staging is "." or ".." || row.Staging.IndexOfAny(['/', '\\']) >= 0)
        {
            LogUnreadable(logger, row.Id, $"'{row.Staging}' is not the name of a staging directory");
            return null;
        }

        return StagedFiles.Open(StateDir, PublishRoot, row.Staging);
    }

    /// <summary>What <paramref name="row"/> asked to publish; everything when that cannot be read, so nothing is left behind.</summary>
    private PublishRequest RequestOf(PendingPublish row)
    {
        try
        {
            return PublishRequest.FromJson(row.Request);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            LogUnreadable(logger, row.Id, e.Message);
            return PublishRequest.All;
        }
    }

    private async Task RemoveAsync(IReadOnlyList<int> ids)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.PendingPublishes.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(CancellationToken.None);
    }

    private void RemoveAbandonedStaging(HashSet<string> owned)
    {
        var root = StagedFiles.Root(StateDir);
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(root).Where(d => !owned.Contains(Path.GetFileName(d))))
        {
            Directory.Delete(directory, recursive: true);
            LogAbandoned(logger, Path.GetFileName(directory));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finished {Count} change(s) the database had committed but the tree did not show yet (an interrupted publish): {Devices}")]
    private static partial void LogCompleted(ILogger logger, int count, string devices);

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed {Count} change(s); publishing {Devices}")]
    private static partial void LogFinishing(ILogger logger, int count, string devices);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending publish {Id} cannot be read ({Reason}); publishing everything instead")]
    private static partial void LogUnreadable(ILogger logger, int id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed staging directory {Name} of a change that never committed")]
    private static partial void LogAbandoned(ILogger logger, string name);
}
