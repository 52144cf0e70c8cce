using SystemImage.Core.Configuration;

namespace SystemImage.TestUtilities;

/// <summary>
/// The database the tests of this process run on: SQLite (the default) or, with
/// <c>SYSTEMIMAGE_TEST_DATABASE=PostgreSql</c>, a database of its own on the process's <see cref="TestPostgres"/>.
/// The same tests run on both; CI runs the database-bound ones a second time on PostgreSQL.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "SYSTEMIMAGE_TEST_DATABASE";

    /// <summary>The trait of tests about SQLite itself (its files, its locking), which the PostgreSQL run leaves out: <c>--filter "Database!=Sqlite"</c>.</summary>
    public const string Trait = "Database";

    /// <summary>See <see cref="Trait"/>.</summary>
    public const string SqliteOnly = "Sqlite";

    public static DatabaseProvider Provider { get; } =
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable(Variable), ignoreCase: true, out var provider) ? provider : DatabaseProvider.Sqlite;

    public static bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    /// <summary>The configuration of a new test's database (nothing for SQLite, which lives in the data directory).</summary>
    public static IReadOnlyDictionary<string, string> NewSettings() => IsPostgreSql
        ? new Dictionary<string, string>
        {
            ["SystemImage:Database:Provider"] = nameof(DatabaseProvider.PostgreSql),
            ["SystemImage:Database:ConnectionString"] = TestPostgres.Instance.CreateDatabase(),
        }
        : new Dictionary<string, string>();
}
