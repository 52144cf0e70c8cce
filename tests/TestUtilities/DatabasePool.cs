using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Persistence;

namespace SystemImage.TestUtilities;

/// <summary>
/// The pooled connections of one test's metadata database. Clearing them after its host is disposed closes the file
/// (so its directory can be deleted) without touching the pools of tests still running in the same process; on
/// PostgreSQL the test's own database is dropped.
/// </summary>
public sealed class DatabasePool
{
    private readonly string _connectionString;
    private readonly bool _postgreSql;

    private DatabasePool(string connectionString, bool postgreSql)
    {
        _connectionString = connectionString;
        _postgreSql = postgreSql;
    }

    /// <summary>The pool of the database the given services use (read before they are disposed).</summary>
    public static DatabasePool Of(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<SystemImageDbContext>>().CreateDbContext();
        return new DatabasePool(
            db.Database.GetConnectionString() ?? throw new InvalidOperationException("The metadata database has no connection string."),
            db.Database.IsNpgsql());
    }

    /// <summary>As <see cref="Of"/>, or none for services whose options failed validation (a host that did not start).</summary>
    public static DatabasePool? OfStarted(IServiceProvider services)
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
        if (_postgreSql)
        {
            TestPostgres.Instance.DropDatabase(_connectionString);
            return;
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
