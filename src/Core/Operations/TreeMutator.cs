using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Operations;

/// <summary>
/// Runs one change to the tree under the publish lock. The change reads the database and stages its new files
/// (compressing, making deltas, signing) outside the publish root and without a write transaction; SQLite's write
/// lock is taken only from its first save (or at the end) to the commit, so other writers (tokens, sign-ins, job
/// progress) never wait for the heavy work. The commit carries a pending-publish marker; then the staged files go
/// in place and the affected part of the tree is published. A refused or failed change, or one that finds nothing to
/// change (<see cref="Mutation.Unchanged"/>), commits nothing, publishes nothing and leaves no file behind.
/// </summary>
public sealed class TreeMutator(
    IDbContextFactory<SystemImageDbContext> dbFactory, TreeLock treeLock, PendingPublishes pending, IOptions<SystemImageOptions> options)
{
    private static readonly AsyncLocal<bool> StopAfterCommit = new();

    public async Task<OperationResult> MutateAsync(Func<SystemImageDbContext, Task<Mutation>> change, CancellationToken cancellationToken)
    {
        await using var held = await treeLock.AcquireAsync(cancellationToken);
        var (result, committed) = await CommitLockedAsync(held, change, cancellationToken);
        if (committed is var (marker, staged, publish) && !StopAfterCommit.Value)
        {
            using (staged)
            {
                // A lock lost after the commit leaves the change committed with its marker, for the next holder to publish.
                await held.EnsureHeldAsync(CancellationToken.None);
                await pending.FinishAsync([(marker, staged)], publish);
            }
        }

        return result;
    }

    /// <summary>
    /// For tests: changes (and imports) in the calling async flow stop right after their commit, leaving what a process
    /// killed there leaves: the change committed with its pending-publish marker, its files staged, the tree as before.
    /// </summary>
    internal static IDisposable SimulateCrashAfterCommit()
    {
        StopAfterCommit.Value = true;
        return new Restore();
    }

    /// <summary>True while <see cref="SimulateCrashAfterCommit"/> is in force.</summary>
    internal static bool CrashingAfterCommit => StopAfterCommit.Value;

    /// <summary>
    /// The first half of <see cref="MutateAsync"/>, under the publish lock: the change committed with its
    /// pending-publish marker, its files staged but not in the tree yet. A process killed right after this leaves
    /// exactly that, which the next holder of the lock completes (<see cref="PendingPublishes.CompleteAsync"/>).
    /// </summary>
    private async Task<(OperationResult Result, (PendingPublish Marker, StagedFiles Staged, PublishRequest Publish)? Committed)> CommitLockedAsync(
        PublishLock.Hold held, Func<SystemImageDbContext, Task<Mutation>> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var staged = StagedFiles.Create(options.Value.StateDir, options.Value.PublishRootFullPath);
        try
        {
            db.Staged = staged;
            db.TransactionOnFirstSave = true;
            var mutation = await change(db);
            if (!mutation.Result.Succeeded || mutation.IsUnchanged)
            {
                staged.Dispose();
                return (mutation.Result, null);
            }

            if (staged.FindObstacle() is { } obstacle)
            {
                staged.Dispose();
                return (OperationResult.Conflict($"Nothing was changed: {obstacle}."), null);
            }

            var marker = pending.Record(db, staged, mutation.Publish);
            await db.SaveChangesAsync(cancellationToken);
            await held.EnsureHeldAsync(cancellationToken);
            await db.Database.CommitTransactionAsync(CancellationToken.None);
            return (mutation.Result, (marker, staged, mutation.Publish));
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => StopAfterCommit.Value = false;
    }
}
