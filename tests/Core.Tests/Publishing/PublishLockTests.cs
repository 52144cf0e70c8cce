using Microsoft.Extensions.Options;
using Npgsql;
using SystemImage.Core.Configuration;
using SystemImage.Core.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>Two publish locks (two processes' views) on one data directory, or one PostgreSQL database: never both held.</summary>
public sealed class PublishLockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "si-lock-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _databases = [];

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            TestPostgres.Instance.DropDatabase(database);
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private IOptions<SystemImageOptions> Options(DatabaseProvider provider)
    {
        var options = new SystemImageOptions { DataDir = _dir };
        if (provider == DatabaseProvider.PostgreSql)
        {
            var database = TestPostgres.Instance.CreateDatabase();
            _databases.Add(database);
            options.Database = new DatabaseOptions { Provider = provider, ConnectionString = database };
        }

        return Microsoft.Extensions.Options.Options.Create(options);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task TwoLocksNeverOverlap(DatabaseProvider provider)
    {
        var options = Options(provider);
        using var first = new PublishLock(options);
        using var second = new PublishLock(options);

        var held = await first.AcquireAsync(CancellationToken.None);
        var waiting = second.AcquireAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the second lock (another process's view) must wait");
        Assert.Null(await second.TryAcquireAsync(CancellationToken.None));

        await held.DisposeAsync();
        await using (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(waiting.IsCompletedSuccessfully);
        }

        await using var again = await first.TryAcquireAsync(CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task OnPostgreSqlAHolderWhoseSessionDiesLosesTheLock()
    {
        var options = Options(DatabaseProvider.PostgreSql);
        using var dying = new PublishLock(options);
        using var other = new PublishLock(options);
        // Held on to (never released): a lock nobody references could be closed by the garbage collector.
        var held = await dying.AcquireAsync(CancellationToken.None);
        var waiting = other.AcquireAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());

        // What a node killed by SIGKILL (or cut off) leaves: its session ends on the server.
        await using (var admin = new NpgsqlConnection(options.Value.Database.ConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, admin);
            Assert.Equal(true, await terminate.ExecuteScalarAsync());
        }

        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(waiting.IsCompletedSuccessfully);
        GC.KeepAlive(held);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task AHolderKnowsWhetherItStillHoldsTheLock(DatabaseProvider provider)
    {
        var options = Options(provider);
        using var publishLock = new PublishLock(options);
        await using var held = await publishLock.AcquireAsync(CancellationToken.None);

        await held.EnsureHeldAsync(CancellationToken.None);

        if (provider == DatabaseProvider.PostgreSql)
        {
            Assert.True(await TerminateHolderAsync(options.Value.Database.ConnectionString!));
            var lost = await Assert.ThrowsAsync<PublishLockLostException>(() => held.EnsureHeldAsync(CancellationToken.None));
            Assert.StartsWith("The publish lock was lost (its database session ended: ", lost.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Ends the session holding the advisory lock of the database, as a restart or a cut connection would; false when none holds it.</summary>
    internal static async Task<bool> TerminateHolderAsync(string connectionString)
    {
        await using var admin = new NpgsqlConnection(connectionString + ";Pooling=false");
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand(
            """
            SELECT coalesce(bool_and(pg_terminate_backend(pid)), false) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, admin);
        return await terminate.ExecuteScalarAsync() is true;
    }

    [Fact]
    public async Task WaitingForTheLockCanBeCancelled()
    {
        var options = Options(DatabaseProvider.PostgreSql);
        using var first = new PublishLock(options);
        using var second = new PublishLock(options);
        await using var held = await first.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.AcquireAsync(cancel.Token));
        Assert.Null(await second.TryAcquireAsync(CancellationToken.None));
    }
}
