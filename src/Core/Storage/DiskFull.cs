using Microsoft.Data.Sqlite;
using Npgsql;

namespace SystemImage.Core.Storage;

/// <summary>
/// Recognises a full disk (or an exhausted quota) in whatever a write failed with: an <see cref="IOException"/> with
/// ENOSPC or EDQUOT, SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), possibly wrapped (EF Core's update exception, an aggregate). The API answers
/// it with 507 and the verbs with one line, instead of a stack trace.
/// </summary>
public static class DiskFull
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int SqliteFull = 13;

    // Windows reports ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL as HRESULTs.
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>The exception that says the disk is full, <paramref name="exception"/> or one it wraps; null when it is something else.</summary>
    public static Exception? CauseOrNull(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Select(CauseOrNull).FirstOrDefault(cause => cause is not null);
                case SqliteException { SqliteErrorCode: SqliteFull }:
                    return current;
                case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                    return current;
                case IOException { HResult: Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull }:
                    return current;
            }
        }

        return null;
    }

    /// <summary>A one-line reason for a failure that <see cref="CauseOrNull"/> recognised.</summary>
    public static string Describe(Exception cause) =>
        $"the server's disk is full ({cause.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.')}): free some space and try again (cleanup-tree removes orphaned files)";
}
