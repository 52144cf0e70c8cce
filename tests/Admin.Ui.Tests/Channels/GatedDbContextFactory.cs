using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;

namespace SystemImage.Admin.Ui.Tests.Channels;

/// <summary>
/// The real database, reached only once <see cref="Open"/> is called (so a page's loading state can be seen), or
/// failing with <see cref="Fail"/> (so its error state can).
/// </summary>
internal sealed class GatedDbContextFactory(IDbContextFactory<SystemImageDbContext> inner) : IDbContextFactory<SystemImageDbContext>
{
    private readonly TaskCompletionSource<Exception?> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult(null);

    public void Fail(Exception failure) => _gate.TrySetResult(failure);

    public SystemImageDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<SystemImageDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        if (await _gate.Task.WaitAsync(cancellationToken) is { } failure)
        {
            throw failure;
        }

        return await inner.CreateDbContextAsync(cancellationToken);
    }
}
