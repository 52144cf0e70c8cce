using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using SystemImage.Core.Persistence;
using Xunit;

namespace SystemImage.Core.Tests.Database;

/// <summary>
/// Each provider's migrations describe the model exactly: a model change without a migration for SQLite and one for
/// PostgreSQL fails here (no database is needed to compare a model with a migration snapshot).
/// </summary>
public sealed class MigrationsTests
{
    private static SystemImageDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SystemImageDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgreSqlDbContext PostgreSql() =>
        new(new DbContextOptionsBuilder<PostgreSqlDbContext>().UseNpgsql("Host=127.0.0.1;Database=unused").Options);

    [Fact]
    public void TheSqliteMigrationsMatchTheModel()
    {
        using var db = Sqlite();

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: add a SQLite migration (see SystemImageDbContext).");
    }

    [Fact]
    public void ThePostgreSqlMigrationsMatchTheModel()
    {
        using var db = PostgreSql();

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: add a PostgreSQL migration (see SystemImageDbContext).");
    }

    [Fact]
    public void EachProviderRunsOnlyItsOwnMigrations()
    {
        using var sqlite = Sqlite();
        using var postgreSql = PostgreSql();

        var sqliteMigrations = sqlite.Database.GetMigrations().ToList();
        var postgreSqlMigrations = postgreSql.Database.GetMigrations().ToList();

        Assert.Contains(sqliteMigrations, m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Contains(postgreSqlMigrations, m => m.EndsWith("_InitialPostgreSql", StringComparison.Ordinal));
        Assert.Empty(sqliteMigrations.Intersect(postgreSqlMigrations));
    }
}
