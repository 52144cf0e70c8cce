using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Operations;

/// <summary>
/// Runs one mutation under the publish lock: the change and its audit entry are saved in one transaction,
/// then the affected part of the tree is republished. A refused change saves nothing and publishes nothing.
/// </summary>
public sealed class TreeMutator(IDbContextFactory<SystemImageDbContext> dbFactory, PublishLock publishLock, TreePublisher publisher)
{
    public async Task<OperationResult> MutateAsync(Func<SystemImageDbContext, Task<Mutation>> change, CancellationToken cancellationToken)
    {
        await using var held = await publishLock.AcquireAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mutation = await change(db);
        if (!mutation.Result.Succeeded)
        {
            return mutation.Result;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await publisher.PublishAsync(mutation.Publish, CancellationToken.None);
        return mutation.Result;
    }
}
