using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Persistence;

namespace SystemImage.TestUtilities;

/// <summary>
/// The pooled connections of one test's metadata database. Clearing them after its host is disposed closes the file
/// (so its directory can be deleted) without touching the pools of tests still running in the same process.
/// </summary>
public sealed class SqlitePool
{
    private readonly string _connectionString;

    private SqlitePool(string connectionString) => _connectionString = connectionString;

    /// <summary>The pool of the database the given services use (read before they are disposed).</summary>
    public static SqlitePool Of(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<SystemImageDbContext>>().CreateDbContext();
        return new SqlitePool(db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The metadata database has no connection string."));
    }

    /// <summary>As <see cref="Of"/>, or none for services whose options failed validation (a host that did not start).</summary>
    public static SqlitePool? OfStarted(IServiceProvider services)
    {
        try
        {
            return Of(services);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException)
        {
            return null;
        }
    }

    public void Clear()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
