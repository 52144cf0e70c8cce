namespace SystemImage.Core.Configuration;

/// <summary>Which database holds the metadata (and the background jobs): SQLite in the data directory, or PostgreSQL.</summary>
public enum DatabaseProvider
{
    /// <summary>Files in the data directory (<c>systemimage.db</c>, <c>hangfire.db</c>): one server process, nothing to run beside it.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<see cref="DatabaseOptions.ConnectionString"/>): several server nodes may share it.</summary>
    PostgreSql,
}

/// <summary><c>SystemImage:Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Default <see cref="DatabaseProvider.Sqlite"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The Npgsql connection string (<c>Host=db;Database=systemimage;Username=si;Password=…</c>), required for
    /// PostgreSQL; the background jobs keep their tables in the same database, in the <c>hangfire</c> schema.
    /// Unused for SQLite, whose files are always in the data directory.
    /// </summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;
}
