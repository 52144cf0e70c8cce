using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SystemImage.Core.Persistence;

/// <summary>
/// Lets SQLite itself wait for another writer (<c>PRAGMA busy_timeout</c>) on every connection opened. Without it,
/// Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms between attempts, so a write that meets another
/// process's short commit (a verb's publish, an import's log line) waits 150 ms or more instead of the milliseconds
/// the commit takes: quick calls such as "import now" then take up to a second while a long publish runs.
/// The wait is short (<see cref="Milliseconds"/>): past it Microsoft.Data.Sqlite's own retries take over until the
/// command's timeout, so a command given a short timeout (a lease renewal) still gives up in time.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>How long SQLite retries a busy database itself, in small steps, before the command sees it busy.</summary>
    public const int Milliseconds = 250;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Pragma(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Pragma(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Pragma(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {Milliseconds};";
        return command;
    }
}
