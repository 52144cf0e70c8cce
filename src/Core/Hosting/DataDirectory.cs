using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Configuration;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Hosting;

/// <summary>
/// Prepares the data directory for the server and the command-line verbs: directories with safe modes,
/// migrated database, a development key set on first start, and (for the server) a repaired, fully signed tree.
/// Also gives the process's .xz memory budget its configured limit.
/// </summary>
public sealed partial class DataDirectory(
    IOptions<SystemImageOptions> options,
    IOptions<CompressionOptions> compression,
    IDbContextFactory<SystemImageDbContext> dbFactory,
    KeyStore keys,
    PublishLock publishLock,
    TreeLock treeLock,
    TreePublisher publisher,
    TreeMaintenance maintenance,
    ILogger<DataDirectory> logger)
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates directories, applies migrations and generates development keys when none exist.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken, bool generateDevelopmentKeys = true)
    {
        XzMemoryBudget.Shared.SetLimit(compression.Value.MemoryLimitBytes);
        LogMemoryBudget(logger, XzMemoryBudget.Shared.LimitBytes >> 20, compression.Value.MemoryLimitMiB > 0 ? "configured" : "half the available memory");
        var settings = options.Value;
        Directory.CreateDirectory(settings.DataDirFullPath);
        PrivatePaths.SecureDirectoryTree(settings.StateDir);
        Directory.CreateDirectory(settings.PublishRootFullPath);
        CreatePrivateDirectory(settings.SecretsDir);
        if (!settings.Database.IsPostgreSql)
        {
            PrivatePaths.SecureDatabase(settings.DatabasePath);
            PrivatePaths.SecureDatabase(settings.HangfireDatabasePath);
        }

        if (settings.RunMigrationsAtStartup)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // Migrating compares the model with the migrations' snapshot first (0.1-0.2 s of every verb's start): only
            // when a migration is pending (a first start, an upgrade). Concurrent starts still serialise in MigrateAsync.
            if (await MigrationPendingAsync(db, cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        if (generateDevelopmentKeys && !keys.HasKeys)
        {
            await using var held = await publishLock.AcquireAsync(cancellationToken);
            if (!keys.HasKeys)
            {
                keys.GenerateAll(force: false);
                LogDevelopmentKeys(logger, settings.SecretsDir);
            }
        }

        // Whatever starts (a verb, the server) clears what killed processes left: scratch areas of uploads and imports
        // and, when the tree is free, staging of changes that never committed and publishes that did but never ran.
        WorkArea.Sweep(settings.StateDir, includeLooseFiles: false);
        if (keys.HasKeys)
        {
            try
            {
                await using var free = await treeLock.TryAcquireAsync(cancellationToken);
            }
            catch (IOException e)
            {
                // E.g. a full disk: the verb still runs (cleanup-tree may be what frees the space); check-tree shows the lag.
                LogBehind(logger, e.Message);
            }
        }
    }

    /// <summary>
    /// Whether the database lacks one of this build's migrations (or has no history table yet), read from the history
    /// table directly: EF Core's own question (GetPendingMigrationsAsync) builds a model of that table and compiles a
    /// query for it first, a tenth of a second of every verb's start.
    /// </summary>
    private static async Task<bool> MigrationPendingAsync(SystemImageDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToList();
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT \"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (DbException)
        {
            // No history table: a new database (anything worse, MigrateAsync reports).
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return known.Any(m => !applied.Contains(m));
    }

    /// <summary>
    /// Removes temporaries left by an interrupted publish, republishes everything that differs from the database, and
    /// signs again every file whose signature does not verify over it (a crash between renaming a file and its signature).
    /// </summary>
    public async Task<PublishReport> RepairTreeAsync(CancellationToken cancellationToken)
    {
        await using var held = await treeLock.AcquireAsync(cancellationToken);
        var root = options.Value.PublishRootFullPath;
        foreach (var leftover in Directory.EnumerateFiles(root, ".*", SearchOption.AllDirectories).Where(f => TreeBatch.IsTemporary(Path.GetFileName(f))))
        {
            File.Delete(leftover);
        }

        // Scratch files of uploads and imports that a killed process left behind.
        WorkArea.Sweep(options.Value.StateDir, includeLooseFiles: true);

        var report = await publisher.PublishAsync(PublishRequest.All, cancellationToken);
        var resigned = await maintenance.ResignBadLockedAsync(cancellationToken);
        return report with { Written = report.Written + resigned.Count };
    }

    /// <summary>Opens the database and checks the publish root is writable, for /health.</summary>
    public async Task<(bool DatabaseOk, bool PublishRootOk, string Detail)> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var detail = new List<string>();
        bool databaseOk;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            databaseOk = await db.Database.CanConnectAsync(cancellationToken) && !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any();
        }
        catch (DbException e)
        {
            databaseOk = false;
            detail.Add(e.Message);
        }

        bool rootOk;
        try
        {
            var root = options.Value.PublishRootFullPath;
            var probe = Path.Combine(root, $".health-{Guid.NewGuid():N}");
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
            File.Delete(probe);
            rootOk = File.Exists(Path.Combine(root, "channels.json"));
            if (!rootOk)
            {
                detail.Add("channels.json has not been published");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            rootOk = false;
            detail.Add(e.Message);
        }

        return (databaseOk, rootOk, string.Join("; ", detail));
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, PrivateDirectory);
        File.SetUnixFileMode(path, PrivateDirectory);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compression memory budget: {MiB} MiB ({Source})")]
    private static partial void LogMemoryBudget(ILogger logger, long miB, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No signing keys found: generated a development key set in {SecretsDir} (replace it with your own keys for production).")]
    private static partial void LogDevelopmentKeys(ILogger logger, string secretsDir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tree lags the database: publishing what it committed failed ({Reason}); the next change or start tries again")]
    private static partial void LogBehind(ILogger logger, string reason);
}
