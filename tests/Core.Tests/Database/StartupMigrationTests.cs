using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SystemImage.Core.Hosting;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Database;

/// <summary>
/// What a start (a verb, the server) does to the database: a new one gets every migration, one an older release left
/// gets the missing ones, a current one is left as it is. On the test database's provider.
/// </summary>
public sealed class StartupMigrationTests
{
    private static async Task<List<string>> PendingAsync(TestDataDirectory data)
    {
        await using var db = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return [.. await db.Database.GetPendingMigrationsAsync()];
    }

    /// <summary>On SQLite: PostgreSQL has one migration so far, so no older release to upgrade from.</summary>
    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task AStartAppliesTheMigrationsAnOlderReleaseLacked()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        string first;
        await using (var db = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            // The database as the first release left it.
            var known = db.Database.GetMigrations().ToList();
            Assert.True(known.Count > 1, "an upgrade needs two migrations");
            first = known[0];
            await db.GetService<IMigrator>().MigrateAsync(first);
        }

        Assert.NotEmpty(await PendingAsync(data));

        await data.Get<DataDirectory>().PrepareAsync(CancellationToken.None);

        Assert.Empty(await PendingAsync(data));
        await using var migrated = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        // Tables of later migrations answer.
        Assert.Equal(0, await migrated.Rollouts.CountAsync());
        Assert.Equal(0, await migrated.DownloadCounts.CountAsync());
    }

    [Fact]
    public async Task AStartOfACurrentDatabaseChangesNothingAndKeepsItsRows()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        await using (var db = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            db.Channels.Add(new Persistence.Entities.Channel { Name = "stable" });
            await db.SaveChangesAsync();
        }

        await data.Get<DataDirectory>().PrepareAsync(CancellationToken.None);

        Assert.Empty(await PendingAsync(data));
        await using var again = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        Assert.Equal(["stable"], await again.Channels.Select(c => c.Name).ToListAsync());
    }
}
