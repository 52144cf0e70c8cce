using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SystemImage.Core.Configuration;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// The one lock every writer of the tree takes (server, jobs, command-line verbs): an in-process semaphore plus, on
/// SQLite, an exclusive lock on <c>state/publish.lock</c>, so a verb run beside the server waits its turn; on
/// PostgreSQL, a session advisory lock of the database, so every server node and verb sharing the database and the
/// data folder waits its turn (a file lock on a shared folder such as NFS is not to be trusted). A holder that dies,
/// even by SIGKILL, loses its connection and so the lock; the next holder finishes what it left
/// (<see cref="TreeLock"/>). Each hold is logged at Debug level with its times.
/// </summary>
public sealed partial class PublishLock(IOptions<SystemImageOptions> options, ILogger<PublishLock>? logger = null) : IDisposable
{
    /// <summary>The advisory lock's key ("SIPUBLSH"): one per database, so installations on other databases never meet.</summary>
    public const long AdvisoryKey = 0x5349_5055_424C_5348;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _local = new(1, 1);
    private readonly ILogger _logger = logger ?? NullLogger<PublishLock>.Instance;

    public async Task<Hold> AcquireAsync(CancellationToken cancellationToken)
    {
        await _local.WaitAsync(cancellationToken);
        try
        {
            IAsyncDisposable? held = options.Value.Database.IsPostgreSql
                ? await LockDatabaseAsync(wait: true, cancellationToken)
                : await LockFileAsync(cancellationToken);
            return Held(held!);
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    /// <summary>The lock if it is free now (in this process and in every other); null when someone holds it.</summary>
    public async Task<Hold?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (!await _local.WaitAsync(0, cancellationToken))
        {
            return null;
        }

        try
        {
            IAsyncDisposable? held = options.Value.Database.IsPostgreSql ? await LockDatabaseAsync(wait: false, cancellationToken) : TryLockFile();
            if (held is null)
            {
                _local.Release();
                return null;
            }

            return Held(held);
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    public void Dispose() => _local.Dispose();

    private Hold Held(IAsyncDisposable held)
    {
        LogAcquired(_logger, Environment.ProcessId, DateTimeOffset.UtcNow.ToString("O"));
        return new Hold(held, _local, _logger);
    }

    private async Task<IAsyncDisposable> LockFileAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryLockFile() is { } held)
            {
                return held;
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    private FileStream? TryLockFile()
    {
        PrivatePaths.CreateDirectory(options.Value.StateDir);
        try
        {
            // On Unix, FileShare.None takes an exclusive advisory lock (flock) held while the stream is open.
            return new FileStream(Path.Combine(options.Value.StateDir, "publish.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the advisory lock on a connection of its own (not pooled: closing it ends the session, which is what
    /// releases the lock), waiting for it as long as it takes when <paramref name="wait"/>; null when it is held elsewhere.
    /// </summary>
    private async Task<NpgsqlConnection?> LockDatabaseAsync(bool wait, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.Database.ConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(connectionString.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", AdvisoryKey);
            command.CommandTimeout = 0;
            var result = await command.ExecuteScalarAsync(cancellationToken);
            if (!wait && result is false)
            {
                await connection.DisposeAsync();
                return null;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publish lock acquired by process {ProcessId} at {At}")]
    private static partial void LogAcquired(ILogger logger, int processId, string at);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publish lock released by process {ProcessId} at {At}")]
    private static partial void LogReleased(ILogger logger, int processId, string at);

    /// <summary>
    /// A hold of the lock; disposing it releases the lock. A file lock is held for as long as its file is open; an
    /// advisory lock only as long as its database session lives, and a session can end under its holder (the
    /// database restarted, the connection cut, an administrator's pg_terminate_backend), freeing the lock for another
    /// node. So a holder asks <see cref="EnsureHeldAsync"/> before each commit and before writing the tree.
    /// </summary>
    public sealed class Hold(IAsyncDisposable held, SemaphoreSlim local, ILogger logger) : IAsyncDisposable
    {
        private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

        /// <summary>Returns when the lock is still this holder's (a round trip on the lock's own session on PostgreSQL).</summary>
        /// <exception cref="PublishLockLostException">The lock's database session has ended: another writer may hold the lock now.</exception>
        public async Task EnsureHeldAsync(CancellationToken cancellationToken)
        {
            if (held is not NpgsqlConnection connection)
            {
                return;
            }

            try
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = (int)CheckTimeout.TotalSeconds };
                await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                throw new PublishLockLostException(e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            LogReleased(logger, Environment.ProcessId, DateTimeOffset.UtcNow.ToString("O"));
            await held.DisposeAsync();
            local.Release();
        }
    }
}

/// <summary>The publish lock's database session ended while it was held, so the change stopped before its next step.</summary>
public sealed class PublishLockLostException(Exception cause) : InvalidOperationException(
    $"The publish lock was lost (its database session ended: {cause.Message.Split('\n')[0]}); the change stopped before its next step. Try again.", cause);
