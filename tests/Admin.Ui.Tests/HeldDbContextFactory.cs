using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Admin.Ui.Tests;

/// <summary>
/// The real database, but every asynchronous open waits until <see cref="Release"/>: a Core service built over it
/// keeps a page in its loading state for as long as a test needs to look at it.
/// </summary>
public sealed class HeldDbContextFactory(IDbContextFactory<SystemImageDbContext> inner) : IDbContextFactory<SystemImageDbContext>
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SystemImageDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<SystemImageDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        await _released.Task.WaitAsync(cancellationToken);
        return await inner.CreateDbContextAsync(cancellationToken);
    }

    public void Release() => _released.TrySetResult();
}
