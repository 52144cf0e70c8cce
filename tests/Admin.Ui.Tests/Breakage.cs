using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;

namespace SystemImage.Admin.Ui.Tests;

/// <summary>Real failures for pages' error states.</summary>
public static class Breakage
{
    /// <summary>
    /// Drops a table, so every query of it fails as a damaged database would. (On PostgreSQL the test's database is
    /// then dropped after the test, not emptied for the next: see <see cref="TestPostgres.DropDatabase"/>.)
    /// </summary>
    public static async Task DropTableAsync(TestDataDirectory data, string table)
    {
        await using var db = await data.Services.GetRequiredService<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
#pragma warning disable EF1002 // The table name is a constant of the test.
        await db.Database.ExecuteSqlRawAsync($"DROP TABLE \"{table}\"");
#pragma warning restore EF1002
    }

    /// <summary>What the database says when a query meets the table <see cref="DropTableAsync"/> dropped.</summary>
    public static string MissingTable(string table) => TestDatabase.IsPostgreSql
        ? $"42P01: relation \"{table}\" does not exist"
        : $"SQLite Error 1: 'no such table: {table}'";
}
