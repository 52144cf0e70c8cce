using Microsoft.EntityFrameworkCore;

namespace SystemImage.Core.Persistence;

/// <summary>The <see cref="SystemImageDbContext"/> factory everything uses, making <see cref="PostgreSqlDbContext"/>s.</summary>
internal sealed class PostgreSqlContexts(IDbContextFactory<PostgreSqlDbContext> inner) : IDbContextFactory<SystemImageDbContext>
{
    public SystemImageDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<SystemImageDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
