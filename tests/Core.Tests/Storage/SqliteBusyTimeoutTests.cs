using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Storage;

[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
public sealed class SqliteBusyTimeoutTests
{
    [Fact]
    public async Task EveryConnectionAContextOpensLetsSqliteWaitForAnotherWriter()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        var contexts = data.Get<IDbContextFactory<SystemImageDbContext>>();

        await using var asynchronous = await contexts.CreateDbContextAsync();
        Assert.Equal(250, await asynchronous.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").ToAsyncEnumerable().SingleAsync());

        using var synchronous = contexts.CreateDbContext();
        Assert.Equal(250, synchronous.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").AsEnumerable().Single());
    }

    [Fact]
    public async Task AWriteGivenAShortTimeoutStillGivesUpInTimeWhileAnotherWriterHoldsTheLock()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        await using var holder = new SqliteConnection($"Data Source={data.Options.DatabasePath};Pooling=False");
        await holder.OpenAsync();
        await using var hold = holder.BeginTransaction(deferred: false);

        await using var db = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(1));
        db.Channels.Add(new Channel { Name = "stable" });
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Equal(5, Assert.IsType<SqliteException>(refused.InnerException).SqliteErrorCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
    }
}
