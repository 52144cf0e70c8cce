namespace SystemImage.Core.Publishing;

/// <summary>
/// The publish lock as every writer of the tree takes it: once held, whatever an earlier holder committed but did
/// not publish (it was killed) is published first, so each change starts from a tree that shows the database.
/// </summary>
public sealed class TreeLock(PublishLock publishLock, PendingPublishes pending)
{
    public async Task<PublishLock.Hold> AcquireAsync(CancellationToken cancellationToken)
    {
        var held = await publishLock.AcquireAsync(cancellationToken);
        try
        {
            await pending.CompleteAsync(cancellationToken);
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    /// <summary>As <see cref="AcquireAsync"/> when the lock is free now; null when another process or change holds it.</summary>
    public async Task<PublishLock.Hold?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var held = await publishLock.TryAcquireAsync(cancellationToken);
        if (held is null)
        {
            return null;
        }

        try
        {
            await pending.CompleteAsync(cancellationToken);
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }
}
